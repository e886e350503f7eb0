from minsheng_cli.cli import main

main()
