import sys

from tcx.cli import main

sys.exit(main())
