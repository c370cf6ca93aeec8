# shellcheck shell=bash
#
# Shared by scripts/serve and scripts/test (sourced, never run): the Debian
# packages assure needs, how to install the missing ones, and how to build a
# tree. One list, so the two scripts cannot drift apart. Keep it in step with
# the dependency list in docs/ARCHITECTURE.md.

# The build and run dependencies on Debian 12.
ASSURE_DEB_PACKAGES=(
	build-essential
	cmake
	pkg-config
	libevent-dev
	libprotobuf-c-dev
	protobuf-c-compiler
	libsqlite3-dev
	libssl-dev
	libcmocka-dev
	libargon2-dev
	openssl
)

# What only the tests need: python3 checks the CLI's JSON, sqlite3 inspects
# a database from outside, rsyslog with its OpenSSL driver is the real
# RFC 5425 receiver the audit tests deliver to, chromium (headless) draws
# the scorecard's HTML to a PNG, clang-format checks the layout of the C
# code against .clang-format. scripts/test adds these.
ASSURE_TEST_PACKAGES=(
	clang-format
	python3
	sqlite3
	rsyslog
	rsyslog-openssl
	chromium
)

# The repository root: this file lives in scripts/.
ASSURE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The name the calling script reports under ("serve", "test").
ASSURE_PROG=${ASSURE_PROG:-${0##*/}}

assure_say() {
	printf '%s: %s\n' "$ASSURE_PROG" "$*" >&2
}

assure_die() {
	assure_say "$*"
	exit 1
}

# assure_missing_packages: prints the packages of ASSURE_DEB_PACKAGES that
# are not installed, one per line. dpkg-query reports "install ok installed"
# (or "hold ok installed") for an installed package, something else or an
# error for one that was removed or never known.
assure_missing_packages() {
	local pkg status
	for pkg in "${ASSURE_DEB_PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) || status=""
		if [[ $status != *" ok installed" ]]; then
			printf '%s\n' "$pkg"
		fi
	done
}

# assure_install_packages: installs whatever is missing. Runs apt-get update
# once, and only when something has to be installed, so a machine that has
# everything starts without touching the network. Not root: names the
# missing packages and the command to install them, and fails.
assure_install_packages() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		assure_say "dpkg-query not found: not a Debian system, so not checking packages;" \
			"you need: ${ASSURE_DEB_PACKAGES[*]}"
		return 0
	fi
	local missing
	mapfile -t missing < <(assure_missing_packages)
	if ((${#missing[@]} == 0)); then
		return 0
	fi
	if ((EUID != 0)); then
		assure_say "missing Debian packages: ${missing[*]}"
		assure_say "install them as root with:"
		assure_say "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
		return 1
	fi
	assure_say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q || assure_die "apt-get update failed"
	apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null ||
		assure_die "apt-get install ${missing[*]} failed"
	# Trust but verify: a package that apt-get "installed" under another name
	# would otherwise fail much later, inside CMake.
	mapfile -t missing < <(assure_missing_packages)
	if ((${#missing[@]} > 0)); then
		assure_die "still missing after apt-get install: ${missing[*]}"
	fi
}

# assure_jobs: how many compile jobs to run (every core).
assure_jobs() {
	nproc 2>/dev/null || echo 2
}

# assure_build DIR BUILD_TYPE [CMAKE_ARGS...]: configures (or reconfigures)
# and builds DIR under the repository root. Fails if either step fails.
assure_build() {
	local dir=$1 type=$2
	shift 2
	cmake -S "$ASSURE_ROOT" -B "$ASSURE_ROOT/$dir" -DCMAKE_BUILD_TYPE="$type" "$@" &&
		cmake --build "$ASSURE_ROOT/$dir" -j "$(assure_jobs)"
}
