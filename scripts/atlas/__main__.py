"""Command-line entry: `python -m atlas validate [datapackage.json]`, `python -m atlas site`, `python -m atlas fingerprint`, `python -m atlas serve`."""
import sys

from . import preview, release, site, validate

COMMANDS = {"validate": validate.main, "site": site.main, "fingerprint": release.main, "serve": preview.main}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: python -m atlas {{{'|'.join(COMMANDS)}}} [args]", file=sys.stderr)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
