"""Operations of a node: ``tcx backup`` and ``tcx restore`` (``tcx.ops.backup``, ``tcx.ops.restore``).

Not a Django app: a restore runs before the target node exists (its data directory must be
empty, and Django's settings write into the data directory when they load)."""
