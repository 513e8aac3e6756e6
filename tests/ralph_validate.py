"""Check statements against ralph's strict xAPI model: one JSON statement a line in, one verdict out.

Runs under the ralph virtual environment's Python (see tests/lrs_support.py).
Prints "ok", or the model's errors on one line.
"""

import json
import sys

from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement

for line in sys.stdin:
    try:
        BaseXapiStatement.model_validate(json.loads(line))
        verdict = "ok"
    except ValidationError as err:
        verdict = json.dumps(err.errors(include_url=False), default=str)
    print(verdict, flush=True)
