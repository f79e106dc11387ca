"""``tcx screen``: screen a file of queries against a watchlist file.

Usage: ``tcx screen --against WATCHLIST QUERIES [--top K] [--output FILE] [--mapping M]
[--threshold T] [--workers N]``. Writes one JSON line per query, in input order. Bad lines are reported on
stderr with their line number and reason, the rest is processed, and a summary ends the run.
Exit status: 0 when the run completed, 1 when nothing could be read, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any

from tcx.matching.io import Row, parse_mapping, read_entities, read_mapping_file

EXIT_OK = 0
EXIT_NOTHING_READ = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's default prints and exits; keep that, typed
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``tcx screen``."""
    parser = _Parser(
        prog="tcx screen",
        description="Screen QUERIES (a passenger manifest, a list of suspects) against a WATCHLIST. "
        "Files are FollowTheMoney entity JSON lines, or CSV/XLSX with a column mapping.",
    )
    parser.add_argument("queries", metavar="QUERIES", type=Path, help="file of entities to screen")
    parser.add_argument("--against", metavar="WATCHLIST", type=Path, required=True, help="watchlist file")
    parser.add_argument("--top", metavar="K", type=int, default=10, help="results per query (default 10)")
    parser.add_argument("--output", metavar="FILE", type=Path, help="write JSON lines here (default stdout)")
    parser.add_argument(
        "--mapping",
        metavar="MAPPING",
        help="for CSV/XLSX: property=column pairs separated by commas (e.g. "
        "'id=No,name=Full name,birthDate=DOB,passportNumber=Passport'), or a .json file; "
        "without it, column headers must be property names",
    )
    parser.add_argument("--schema", default="Person", help="schema of CSV/XLSX rows (default Person)")
    parser.add_argument(
        "--threshold", type=float, help="score from which a result is a match (default from the engine)"
    )
    parser.add_argument(
        "--workers",
        metavar="N",
        type=int,
        default=1,
        help="screen in N worker processes forked after the watchlist is indexed (they share it); "
        f"default 1; this machine has {os.cpu_count() or 1} CPUs; where fork is not available, 1",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


class _Reporter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.rejected = 0
        self.warned = 0

    def row(self, label: str, row: Row) -> None:
        if row.error:
            self.rejected += 1
            self.stream.write(f"{label}:{row.line}: rejected: {row.error}\n")
        for warning in row.warnings:
            self.warned += 1
            self.stream.write(f"{label}:{row.line}: warning: {warning}\n")


def _progress(iterable: Any, desc: str, disable: bool, unit: str) -> Any:
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, unit=unit, file=sys.stderr, disable=disable, dynamic_ncols=True)


def main(argv: list[str] | None = None) -> int:
    """Run ``tcx screen`` with ``argv`` (the arguments after ``screen``); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.top < 1 or args.workers < 1:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"tcx screen: error: --{'top' if args.top < 1 else 'workers'} must be at least 1\n")
        return EXIT_USAGE
    try:
        # a local command line: the operator may name a JSON file (a mapping sent as data, over
        # the API or the pages, is never read as a path)
        is_file = args.mapping and args.mapping.endswith(".json") and Path(args.mapping).is_file()
        mapping = read_mapping_file(Path(args.mapping)) if is_file else parse_mapping(args.mapping)
    except (ValueError, OSError) as exc:
        sys.stderr.write(f"tcx screen: error: bad --mapping: {exc}\n")
        return EXIT_USAGE
    for path in (args.against, args.queries):
        if not path.is_file():
            sys.stderr.write(f"tcx screen: error: no such file: {path}\n")
            return EXIT_NOTHING_READ

    from tcx.matching.entity import Entity
    from tcx.matching.index import MemoryIndex
    from tcx.matching.scoring import MATCH_THRESHOLD, POSSIBLE_THRESHOLD, Matcher
    from tcx.matching.screening import parallel_workers, screen

    try:
        if args.threshold is not None:
            if not 0.0 < args.threshold <= 1.0:
                raise ValueError("--threshold must be in (0, 1]")
            matcher = Matcher(args.threshold, min(POSSIBLE_THRESHOLD, args.threshold))
        else:
            matcher = Matcher(MATCH_THRESHOLD, POSSIBLE_THRESHOLD)
    except ValueError as exc:
        sys.stderr.write(f"tcx screen: error: {exc}\n")
        return EXIT_USAGE

    no_progress = bool(args.no_progress)
    reporter = _Reporter(sys.stderr)
    index = MemoryIndex()
    try:
        rows = read_entities(args.against, mapping, args.schema)
        for row in _progress(rows, "indexing watchlist", no_progress, " entities"):
            reporter.row(str(args.against), row)
            if row.entity is not None:
                index.add(row.entity)
    except (OSError, UnicodeError, ValueError) as exc:
        sys.stderr.write(f"tcx screen: error: cannot read {args.against}: {exc}\n")
        return EXIT_NOTHING_READ
    watchlist_rejected = reporter.rejected
    if len(index) == 0:
        sys.stderr.write(f"tcx screen: error: no usable entity in {args.against}\n")
        return EXIT_NOTHING_READ

    out: IO[str]
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    screened = matches = 0
    try:
        rows = read_entities(args.queries, mapping, args.schema)

        def queries() -> Iterator[Entity]:
            # read (and bad lines reported) in this process, in order, as screening asks for them
            for row in rows:
                reporter.row(str(args.queries), row)
                if row.entity is not None:
                    yield row.entity

        workers = parallel_workers(args.workers)
        results = screen(queries(), index, args.top, matcher, workers=workers)
        desc = "screening" if workers == 1 else f"screening ({workers} workers)"
        for query, hits in _progress(results, desc, no_progress, " queries"):
            screened += 1
            matches += any(h.match for h in hits)
            record = {"query": query.id, "results": [h.to_dict() for h in hits]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    except (OSError, UnicodeError, ValueError) as exc:
        sys.stderr.write(f"tcx screen: error: cannot read {args.queries}: {exc}\n")
        return EXIT_NOTHING_READ
    except BrokenProcessPool as exc:
        sys.stderr.write(f"tcx screen: error: a worker process died (out of memory?): {exc}\n")
        return EXIT_NOTHING_READ
    finally:
        if args.output:
            out.close()
        else:
            out.flush()
    sys.stderr.write(
        f"screened {screened} queries against {len(index)} watchlist entities: "
        f"{matches} with a match; rejected {watchlist_rejected} watchlist and "
        f"{reporter.rejected - watchlist_rejected} query lines; {reporter.warned} warnings\n"
    )
    return EXIT_OK if screened else EXIT_NOTHING_READ


if __name__ == "__main__":
    sys.exit(main())
