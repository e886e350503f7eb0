"""Bulletins (督查通报) and review packs from the ledger.

`figures.compute` turns tasks and progress records into a `model.ReportFigures`;
one module per format lays those figures out and computes nothing of its own.
"""
