# ruff: noqa: S608 -- SQL here is built from constants, template column names and quote_literal() values.
"""The two SQL engines the pipeline runs on: DuckDB (default) and Spark (local or cluster).

All pipeline SQL is written once, in the subset of SQL both engines share (CTEs,
joins, window functions, CASE, substr, translate, lpad, TRY_CAST, concat_ws...). The few
functions whose names or semantics differ go through the small `Engine` methods below
(`regex_match`, `regex_replace_all`, `add_days`), so the SQL text itself stays common.
"""

from __future__ import annotations

import copy
import csv
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from .errors import EngineUnavailableError, RosterEncodingError, RosterUnreadableError
from .rosters import RosterFile


class Engine(Protocol):
    """What the pipeline needs from an engine."""

    name: str

    def regex_match(self, expr: str, pattern: str) -> str: ...
    def regex_replace_all(self, expr: str, pattern: str, replacement: str) -> str: ...
    def add_days(self, date_expr: str, days_expr: str) -> str: ...
    def load_roster(self, table: str, roster: RosterFile) -> None: ...
    def materialise(self, table: str, select_sql: str) -> None: ...
    def materialise_numbered(
        self,
        table: str,
        select_sql: str,
        numbers: dict[str, int],
        derived: dict[str, str] | None = None,
    ) -> None: ...
    def view(self, table: str, select_sql: str) -> None: ...
    def load_pairs(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[str, str]]
    ) -> None: ...
    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...
    def iter_rows(self, sql: str) -> Iterator[tuple[Any, ...]]: ...
    def count(self, table: str) -> int: ...
    def write_csv(self, select_sql: str, path: Path, header: Sequence[str]) -> None: ...
    def splink_api(self, own_connection: bool = False) -> Any: ...
    def each(self, items: Iterable[str], work: Callable[[Engine, str], None]) -> None: ...
    def drop(self, table: str) -> None: ...
    def close(self) -> None: ...


def quote_literal(value: str) -> str:
    """SQL string literal valid in both engines (no backslashes expected)."""
    return "'" + value.replace("'", "''") + "'"


class DuckDBEngine:
    """In-process DuckDB: the default engine, vectorised and multi-threaded."""

    name = "duckdb"

    def __init__(
        self,
        *,
        temp_dir: Path,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        import duckdb

        self._duckdb = duckdb
        self._views: set[str] = set()  # views numbering the rows of a table `<name>_data`
        self._files: dict[str, RosterFile] = {}  # views reading a staged file
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET preserve_insertion_order = true")  # the default; rowid relies on it
        self.con.execute("SET enable_progress_bar = false")  # a command's output, not a TTY toy
        self.threads = int(threads or os.cpu_count() or 1)
        self.con.execute(f"SET threads = {self.threads}")
        self.con.execute(f"SET temp_directory = {quote_literal(str(temp_dir))}")
        # An in-memory database still checkpoints (compresses every table) once its log passes
        # 16 MB: at 7.2 M residents that stalled one statement 7 s, for tables this run drops
        # minutes later. The memory limit, not compression, keeps the run within bounds.
        self.con.execute("SET checkpoint_threshold = '1TB'")
        if memory_limit:
            self.con.execute(f"SET memory_limit = {quote_literal(memory_limit)}")

    def regex_match(self, expr: str, pattern: str) -> str:
        return f"regexp_matches({expr}, {quote_literal(pattern)})"

    def regex_replace_all(self, expr: str, pattern: str, replacement: str) -> str:
        return (
            f"regexp_replace({expr}, {quote_literal(pattern)}, {quote_literal(replacement)}, 'g')"
        )

    def add_days(self, date_expr: str, days_expr: str) -> str:
        return f"CAST({date_expr} + CAST({days_expr} AS INTEGER) AS DATE)"

    def load_roster(self, table: str, roster: RosterFile) -> None:
        """`table`: a staged CSV's rows as all-text columns, in the file's order. A view: the file
        is read once, by the statement that normalises it (materialise_numbered), instead of
        being copied into a table first (1 M residents: 0.39 CPU-s for the copy, of which 0.24
        for storing the text the normalised table stores again)."""
        columns = ", ".join(f"{quote_literal(c)}: 'VARCHAR'" for c in roster.columns)
        source = (
            f"read_csv({quote_literal(str(roster.staged_path))}, header = false, skip = 1, "
            f"delim = ',', quote = '\"', escape = '\"', columns = {{{columns}}}, "
            "strict_mode = false, encoding = 'utf-8', auto_detect = false)"
        )
        self.con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM {source}")
        self._files[table] = roster

    def _file_error(self, error: Exception, select_sql: str) -> Exception:
        """The Chinese error for a file a statement could not read (the files are views)."""
        roster = next((f for v, f in self._files.items() if v in select_sql), None)
        if roster is None:
            return error
        message = str(error)
        if "invalid unicode" in message.lower():
            return RosterEncodingError(
                f"文件 {roster.file_name} 含有不是 UTF-8 的内容（可能混有 GBK 编码），"
                "请整份另存为 UTF-8 编码的 CSV。"
            )
        return RosterUnreadableError(
            f"文件 {roster.file_name} 无法按 CSV 读取：{message.splitlines()[0]}"
        )

    def materialise(self, table: str, select_sql: str) -> None:
        try:
            self.con.execute(f"CREATE OR REPLACE TABLE {table} AS {select_sql}")
        except self._duckdb.Error as error:
            raise self._file_error(error, select_sql) from error

    def view(self, table: str, select_sql: str) -> None:
        """`table` as a name for `select_sql`, computed where it is read."""
        self.con.execute(f"CREATE OR REPLACE VIEW {table} AS {select_sql}")

    def materialise_numbered(
        self,
        table: str,
        select_sql: str,
        numbers: dict[str, int],
        derived: dict[str, str] | None = None,
    ) -> None:
        """`table` from `select_sql`, whose rows come in the order of the file it reads, plus a
        column per entry of `numbers`: the row's place in the file (from 1) plus the offset,
        and a column per entry of `derived` (name → SQL over the selected columns), computed
        when read rather than stored (DuckDB; Spark stores them).

        A new table's rowid numbers its rows in insertion order, which is the file's (DuckDB
        preserves insertion order): no row_number() window, which held every row once more."""
        self.materialise(f"{table}_data", select_sql)
        columns = [
            f"CAST(rowid + {1 + offset} AS BIGINT) AS {name}" for name, offset in numbers.items()
        ]
        columns += [f"{expression} AS {name}" for name, expression in (derived or {}).items()]
        self.con.execute(
            f"CREATE OR REPLACE VIEW {table} AS SELECT {', '.join(columns)}, * FROM {table}_data"
        )
        self._views.add(table)

    def load_pairs(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[str, str]]
    ) -> None:
        self.con.execute(
            f"CREATE OR REPLACE TABLE {table} ({', '.join(c + ' VARCHAR' for c in columns)})"
        )
        if rows:
            self.con.executemany(f"INSERT INTO {table} VALUES (?, ?)", list(rows))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def iter_rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        cursor = self.con.cursor()
        cursor.execute(sql)
        while batch := cursor.fetchmany(10_000):
            yield from batch

    def count(self, table: str) -> int:
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    def write_csv(self, select_sql: str, path: Path, header: Sequence[str]) -> None:
        self.con.execute(
            f"COPY ({select_sql}) TO {quote_literal(str(path))} "
            "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"')"
        )

    def splink_api(self, own_connection: bool = False) -> Any:
        """Splink's access to this database; `own_connection`: through a connection of its own
        (a cursor), for a thread that works beside the engine."""
        from splink import DuckDBAPI

        return DuckDBAPI(connection=self.con.cursor() if own_connection else self.con)

    def each(self, items: Iterable[str], work: Callable[[Engine, str], None]) -> None:
        """work(engine, item) for every item, as many at once as the engine has threads, each
        on a connection of its own. DuckDB runs a table smaller than one row group (122,880
        rows: most departments' rosters) on one thread, so the rosters are read and normalised
        side by side, beside the residents (1 M residents: 0.6 → 0.3 s for the five rosters).
        Raises the first error in the order of `items`, after every piece of work has ended."""

        def run(item: str) -> None:
            worker = copy.copy(self)
            worker.con = self.con.cursor()
            try:
                work(worker, item)
            finally:
                worker.con.close()

        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="engine") as pool:
            futures = [pool.submit(run, item) for item in items]
        for future in futures:
            future.result()

    def drop(self, table: str) -> None:
        if self._files.pop(table, None) is not None:
            self.con.execute(f"DROP VIEW IF EXISTS {table}")
            return
        if table in self._views:
            self._views.discard(table)
            self.con.execute(f"DROP VIEW IF EXISTS {table}")
            table = f"{table}_data"
        self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def close(self) -> None:
        self.con.close()


_SPARK_SESSION: Any = None


def spark_available() -> tuple[bool, str]:
    """Whether PySpark and a Java runtime are present (reason in Chinese if not)."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("pyspark") is None:
        return False, "未安装 pyspark（pip install 'lianxin[spark]'）"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return False, "未找到 Java 运行环境（Spark 需要 Java 17）"
    return True, ""


def get_spark_session(*, cores: int | None = None) -> Any:
    """A local-mode SparkSession shared by all runs in this process."""
    global _SPARK_SESSION  # noqa: PLW0603
    if _SPARK_SESSION is not None:
        return _SPARK_SESSION
    ok, reason = spark_available()
    if not ok:
        raise EngineUnavailableError(f"无法使用 Spark 引擎：{reason}。")
    from pyspark.sql import SparkSession

    threads = cores or os.cpu_count() or 1
    _SPARK_SESSION = (
        SparkSession.builder.master(f"local[{threads}]")
        .appName("lianxin-monitor")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(threads))
        .config("spark.default.parallelism", str(threads))
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate()
    )
    _SPARK_SESSION.sparkContext.setLogLevel("ERROR")
    return _SPARK_SESSION


class SparkEngine:
    """Apache Spark through PySpark; the same SQL text as DuckDB, run by Spark SQL."""

    name = "spark"

    def __init__(self, *, spark_session: Any = None, checkpoint_dir: Path | None = None) -> None:
        self.spark = spark_session or get_spark_session()
        self._checkpoint_dir = checkpoint_dir
        self._tables: dict[str, Any] = {}

    def regex_match(self, expr: str, pattern: str) -> str:
        return f"({expr} RLIKE {quote_literal(pattern)})"

    def regex_replace_all(self, expr: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({expr}, {quote_literal(pattern)}, {quote_literal(replacement)})"

    def add_days(self, date_expr: str, days_expr: str) -> str:
        return f"date_add({date_expr}, CAST({days_expr} AS INT))"

    def load_roster(self, table: str, roster: RosterFile) -> None:
        from pyspark.errors import PySparkException
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(c, StringType(), True) for c in roster.columns])
        try:
            frame = (
                self.spark.read.option("header", "true")
                .option("encoding", "UTF-8")
                .option("multiLine", "true")
                .option("quote", '"')
                .option("escape", '"')
                .option("mode", "PERMISSIVE")
                .option("enforceSchema", "true")
                .schema(schema)
                .csv(str(roster.staged_path))
            )
            self._register(table, frame)
        except PySparkException as error:
            raise RosterUnreadableError(
                f"文件 {roster.file_name} 无法按 CSV 读取：{str(error).splitlines()[0]}"
            ) from error

    def _register(self, table: str, frame: Any) -> None:
        frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(table)
        self._tables[table] = frame

    def materialise(self, table: str, select_sql: str) -> None:
        self._register(table, self.spark.sql(select_sql))

    def view(self, table: str, select_sql: str) -> None:
        self.spark.sql(select_sql).createOrReplaceTempView(table)

    def materialise_numbered(
        self,
        table: str,
        select_sql: str,
        numbers: dict[str, int],
        derived: dict[str, str] | None = None,
    ) -> None:
        """As DuckDBEngine.materialise_numbered: the place of a row in its file, from the order
        Spark reads it in (partition by partition, row by row)."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F  # noqa: N812

        frame = self.spark.sql(select_sql)
        place = F.row_number().over(Window.orderBy(F.monotonically_increasing_id()))
        frame = frame.select(
            *(
                (place + F.lit(offset)).cast("bigint").alias(name)
                for name, offset in numbers.items()
            ),
            *(F.expr(expression).alias(name) for name, expression in (derived or {}).items()),
            *frame.columns,
        )
        self._register(table, frame)

    def load_pairs(
        self, table: str, columns: Sequence[str], rows: Sequence[tuple[str, str]]
    ) -> None:
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField(c, StringType(), True) for c in columns])
        self._register(table, self.spark.createDataFrame(list(rows), schema))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def iter_rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        for row in self.spark.sql(sql).toLocalIterator():
            yield tuple(row)

    def count(self, table: str) -> int:
        return int(self.spark.sql(f"SELECT count(*) FROM {table}").collect()[0][0])

    def write_csv(self, select_sql: str, path: Path, header: Sequence[str]) -> None:
        with path.open("w", encoding="utf-8", newline="") as sink:
            writer = csv.writer(sink, lineterminator="\n")
            writer.writerow(header)
            for row in self.iter_rows(select_sql):
                writer.writerow(["" if v is None else v for v in row])

    def splink_api(self, own_connection: bool = False) -> Any:
        from splink import SparkAPI

        return SparkAPI(
            spark_session=self.spark,
            register_udfs_automatically=False,
            break_lineage_method="persist",
        )

    def each(self, items: Iterable[str], work: Callable[[Engine, str], None]) -> None:
        """work(engine, item) for every item, one after the other (Spark spreads each piece of
        work over the cluster itself)."""
        for item in items:
            work(self, item)

    def drop(self, table: str) -> None:
        self.spark.catalog.dropTempView(table)
        self._tables.pop(table, None)

    def close(self) -> None:
        for table in list(self._tables):
            self.drop(table)
