"""What the pages show and the downloads contain: each figure as a table of columns and rows.

- base: columns, cells and tables, and how a figure is written on the page and in a download
- dashboard: the board dashboard's tables (a–g)
- recognition: the recognition pages' tables
"""
