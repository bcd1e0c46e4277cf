"""``python -m core.predict PHOTO_OR_FOLDER... [--model NAME] [--csv FILE]``: classify photo files.

The same command as ``python -m core.prediction`` (which it runs), under the
name the tutorials' closing script and the issue tracker use.
"""

from __future__ import annotations

import sys

from core.prediction.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
