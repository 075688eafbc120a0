"""The board's annual review pack (issue 16): one document for the review meeting, built from the same
figures as the dashboard but for a period the board chooses, frozen when the board approves it.

- period: the period a pack covers (a financial year, or the time since the last review) and the one before
- sections/: one module a section of the pack; each builds its Section (tables, with a chart where people
  would rather look) and its headline figures for the year-on-year table, in a fixed number of queries
- questions: the questions for the board, each drawn from the data by one pure rule
- svg: the charts, drawn server-side as SVG from a section's tables (no JavaScript; the PDF has them)
- snapshot: a built pack as JSON, to freeze it, and back
"""
