"""The reading side: a notice file in, validated tasks out.

Data flows one way: `readers/` (one module per kind: text, docx, html, xlsx)
→ `grid.py` (rows of cells, merges resolved) → `table.py` (the builder's
table) → `builder.py` (tasks), with `metadata.py`, `deadlines.py` and the
shared unit table (`minsheng_cli.units`); then the overlay's `corrections.py`
and `recipients.py`. `loader.py` ties it together behind a cache (`cache.py`).
Nothing here imports from querying, the ledger, reports or the CLI.
"""
