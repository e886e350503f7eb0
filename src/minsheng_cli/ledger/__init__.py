"""The progress ledger: append-only progress reports in SQLite, schedules and lights, workbooks.

- `records.py`: the records every part shares (no SQL, no openpyxl).
- `store.py`: all SQL, with its numbered migrations.
- `schedule.py`: 序时进度, current state and lights, as pure functions.
- `workbook.py`: the identity of an exported workbook, its signature, and reading it back.
"""
