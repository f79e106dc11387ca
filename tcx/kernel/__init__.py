"""Building blocks every app shares: the field-error type services raise (``errors``), the helper
that puts those errors on a form (``forms``) and the safe-by-default page routes (``routes``)."""
