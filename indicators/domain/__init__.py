"""Decisions: metrics, snapshots, regional and task views, review policy, accounts, wording.

No SQL (that is the store's) and no drawing (that is present's)."""
