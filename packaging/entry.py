"""PyInstaller entry point of the frozen app: the same ``vivavoce`` command as the installed one."""

import sys

from vivavoce.cli import main

if __name__ == "__main__":
    sys.exit(main())
