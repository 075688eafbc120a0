"""The reporting pages: dashboard (the board's dashboard, its downloads and the public recognition pages) and
packs (the annual review pack)."""
