"""How commands speak: JSON for tools, sentences for people, one error type for both."""

from __future__ import annotations

import argparse
import json


class UserError(Exception):
    """A problem with what the user asked for; printed without a traceback."""


def emit(args: argparse.Namespace, payload: dict, human: str) -> None:
    """Print ``payload`` as one JSON line or ``human`` as text, as the user asked."""
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(human)
