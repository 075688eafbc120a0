"""Reads for the board's dashboard and the recognition pages (DESIGN §6–7), one module a group of tables:
each figure aggregates in the database, so it takes a fixed number of queries whatever the number of
contracts, KPIs, delivery lines or responses.

Definitions the page text repeats:
- Financial year: 1 April to 31 March; year 2025 is 1 April 2025 to 31 March 2026 (reporting.years).
- Committed £: Σ KPI committed × KPI financial proxy (£ per unit), for contracts starting in the year.
  A KPI without a proxy counts £0 and is counted as a "commitment without a financial proxy".
- Delivered £: Σ verified delivery line quantity × the KPI's proxy, for reports whose period ends in the
  year. Pending and queried lines never count.
- Contract value "let in the year": the whole value of contracts starting in the year.
- RAG: as procurement.delivery.rag on each KPI today; a contract is red if any KPI is red, amber if any is
  amber (and none red), green if every KPI with anything expected yet is green, and "not started" when
  nothing is expected yet.
Money is summed exactly and rounded to the penny once, at the end of each figure (reporting.arithmetic).

- common: the querysets and sums the figures share, and the filters' choices (years with data, outcome titles)
- social_value: a. social value committed and delivered, by outcome
- contracts: b. value let with a social value weight, c. local spend, d. contracts at red, amber, green
- consultations: e. participation, f. residents' priorities against tender weighting
- review: g. the model's annual review
- recognition: who commits and delivers social value, by organisation and sector
"""
