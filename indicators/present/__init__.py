"""Drawing: charts, tables and cards built from the domain's decisions. Decides nothing."""
