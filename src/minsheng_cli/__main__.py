from minsheng_cli._entry import main

main()
