"""Export the GraphQL schema (SDL) to ``api/schema.graphql``, the contract front-ends build on.

python -m api.graphql.export           # write the file
python -m api.graphql.export --check   # exit 1 when the file and the code differ
"""

from __future__ import annotations

import sys
from pathlib import Path

from api.graphql.schema import build_schema
from api.settings import ApiSettings

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema.graphql"


def sdl() -> str:
    settings = ApiSettings.model_validate({"QAWL_ENV": "development"})
    return build_schema(settings).as_str().rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = sdl()
    if "--check" in argv:
        if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text(encoding="utf-8") != text:
            print(
                f"{SCHEMA_FILE} is out of date: run python -m api.graphql.export", file=sys.stderr
            )
            return 1
        return 0
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
