"""GX suites, one module per layer/source. Each suite is a function returning the frames to
validate: (frame name, pandas frame read from DuckDB, a function of `gxe` giving the expectations)."""
