"""Run ralph's LRS on 127.0.0.1 with its filesystem backend: started by tests/lrs_support.py.

Runs under the ralph virtual environment's Python (ralph pins a Starlette that
Streamlit cannot run on, so it lives in a venv of its own). Usage:
    ralph_server.py PORT DATA_DIR USERNAME PASSWORD
"""

import json
import os
import sys
from pathlib import Path

port, data_dir, username, password = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4]
data_dir.mkdir(parents=True, exist_ok=True)

import bcrypt  # noqa: E402  (ralph's own dependency)

auth_file = data_dir / "auth.json"
auth_file.write_text(
    json.dumps(
        [
            {
                "username": username,
                "hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode(),
                "scopes": ["all"],
                "agent": {"mbox": "mailto:arrowhead-tests@example.com"},
            }
        ]
    )
)
os.environ.update(
    {
        "RALPH_AUTH_FILE": str(auth_file),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data_dir),
        "RALPH_BACKENDS__LRS__FS__DEFAULT_LRS_FILE": "statements.jsonl",
    }
)

from ralph.backends.data.base import BaseOperationType  # noqa: E402
from ralph.backends.lrs.fs import FSLRSBackend  # noqa: E402

# The fs backend creates its file on the first write and refuses every later one
# ("already exists") unless writes append: an LRS must take many batches.
FSLRSBackend.default_operation_type = BaseOperationType.APPEND

import uvicorn  # noqa: E402

uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(port), log_level="warning")
