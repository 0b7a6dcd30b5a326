# Shared by the tools/ scripts: paths and the project's venv.
# shellcheck shell=bash
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VOLSNAP_VENV:-$REPO_ROOT/.venv}
PYTHON=${PYTHON:-python3}
export VOLSNAP_KEYSTONE_PORT=${VOLSNAP_KEYSTONE_PORT:-5000}
export VOLSNAP_CINDER_PORT=${VOLSNAP_CINDER_PORT:-8776}

say() { printf '==> %s\n' "$*"; }

# pip's warnings about this machine's extra (empty) indexes are noise.
quiet_pip() { "$@" 2> >(grep -v 'is ignored: it is neither' >&2); }
