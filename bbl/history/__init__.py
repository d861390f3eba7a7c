"""The history store: every loaded version of every source kept as intervals (warehouse/history.sql).

* intervals.py: the one diff that closes changed or removed rows and inserts new values (O(changes));
* cbs.py, duo.py: a vintage's publication time and its diff against the history, in the load's transaction;
* figures.py: the register over time (publication dates, forecasts superseded, register corrections);
* claims.py: the ledger's own history, with the cause of every move;
* asof.py: which snapshot of a source, and which figures, were published by a date.
"""
