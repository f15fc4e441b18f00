"""The SQL engines the query layer runs on: DuckDB in process (default) and PostgreSQL (a team's server).

Both take the same SQL text with `?` placeholders and a list of parameters; user values only ever travel
as parameters, never inside the text. `PgEngine` turns `?` into psycopg's `%s` (the query layer writes no
literal `%` or `?` of its own). Both return plain rows, or a frame for results meant for pandas.
"""

from __future__ import annotations

import pandas as pd


class DuckEngine:
    """An in-memory DuckDB database: tables are loaded from Arrow/pandas, nothing touches a file."""

    dialect = "duckdb"

    def __init__(self, threads: int | None = None):
        import duckdb

        self.con = duckdb.connect(":memory:")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")

    def load(self, name: str, table) -> None:
        """Create (or replace) table `name` from a pyarrow Table or a pandas frame, copied into DuckDB."""
        self.con.register("_incoming", table)
        try:
            self.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
        finally:
            self.con.unregister("_incoming")

    def rows(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        return self.con.execute(sql, list(params)).fetchall()

    def column(self, sql: str, params: list | tuple = ()):
        """The first column of the result as a numpy array (positions of matching rows, say)."""
        import numpy as np

        result = self.con.execute(sql, list(params)).fetchnumpy()
        return np.asarray(next(iter(result.values())), dtype=np.int64)

    def frame(self, sql: str, params: list | tuple = ()) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def close(self) -> None:
        self.con.close()


def pg_sql(sql: str) -> str:
    """The query layer's `?` placeholders as psycopg's `%s`."""
    assert "%" not in sql, "the query layer's SQL holds no literal %"
    return sql.replace("?", "%s")


class PgEngine:
    """The same interface over a PostgreSQL connection (psycopg 3); reads run in their own transaction."""

    dialect = "postgresql"

    def __init__(self, conn):
        self.conn = conn

    def rows(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(pg_sql(sql), list(params))
            return cur.fetchall()

    def column(self, sql: str, params: list | tuple = ()):
        import numpy as np

        return np.array([r[0] for r in self.rows(sql, params)], dtype=np.int64)

    def frame(self, sql: str, params: list | tuple = ()) -> pd.DataFrame:
        with self.conn.cursor() as cur:
            cur.execute(pg_sql(sql), list(params))
            names = [d.name for d in cur.description]
            return pd.DataFrame(cur.fetchall(), columns=names)

    def close(self) -> None:
        self.conn.close()
