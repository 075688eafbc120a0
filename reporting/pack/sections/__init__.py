"""The pack's sections, one module each. Every module has

    def section(period: Period, *, today: date, now: datetime) -> Section
    def headlines(period: Period, *, today: date) -> list[Headline]   (where it has headline figures)

each in a fixed number of queries whatever the data (tests/reporting/pack/ count them)."""
