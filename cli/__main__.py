"""`python -m cli …` runs the `policy-assistant` command."""

import sys

from cli.main import main

sys.exit(main())
