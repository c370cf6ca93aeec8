#!/usr/bin/env bash
#
# Makes a development PKI for assure with nothing but the openssl CLI: a CA,
# a server certificate for loopback and a client certificate for a sample
# site. With --test it also makes the extra material the integration tests
# need to prove that verification fails when it should: an unrelated CA and
# a certificate signed by our CA for the wrong host name.
#
# Keys are ECDSA P-256 rather than Ed25519: P-256 works with every TLS 1.2
# and 1.3 peer we may meet, Ed25519 does not.
#
# Running it again is a no-op: a file that exists is never replaced. At the
# end every pair is checked (key matches certificate, leaf verifies against
# its CA) so a half-deleted directory is reported instead of served.
#
set -euo pipefail

# Keys must never exist, even for an instant, with wider permissions.
umask 077

readonly CA_DAYS=3650   # 10 years
readonly LEAF_DAYS=825  # the longest leaf lifetime browsers and most clients accept
readonly ORG="assure dev"
readonly SAMPLE_SITE="HQ"

usage() {
	cat <<EOF
usage: ${0##*/} [--test] [--site CODE]... [DIR]

Makes a development CA and certificates in DIR (default: certs/dev under the
repository root) with the openssl CLI:

  ca.crt, ca.key                 the development CA (10 years)
  server.crt, server.key         server; SAN DNS:localhost, IP:127.0.0.1, IP:::1
  client-${SAMPLE_SITE}.crt, client-${SAMPLE_SITE}.key   client for site ${SAMPLE_SITE} (CN=${SAMPLE_SITE}-client)

With --site CODE (repeatable), a client certificate for each such PCT site
as well: client-CODE.crt, client-CODE.key (OU=CODE, CN=CODE-client), for
assured --client-ca (mutual TLS: every connection presents its site's
certificate, and its subject goes into the audit trail).

With --test, also:

  other-ca.crt, other-ca.key     an unrelated CA
  wronghost.crt, wronghost.key   signed by ca, SAN DNS:wrong.example only

Existing files are kept; running it again changes nothing. Keys are mode 0600.
EOF
}

die() {
	printf '%s: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(dirname "$script_dir")

test_mode=0
dir=""
sites=("$SAMPLE_SITE")
while (($# > 0)); do
	case $1 in
	--test) test_mode=1 ;;
	--site)
		(($# > 1)) || die "--site needs a site code"
		[[ $2 =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,15}$ ]] || die "--site: '$2' is not a site code (1 to 16 of A-Z, 0-9, -)"
		sites+=("${2^^}")
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	--)
		shift
		break
		;;
	-*)
		usage >&2
		exit 2
		;;
	*)
		[[ -z $dir ]] || {
			usage >&2
			exit 2
		}
		dir=$1
		;;
	esac
	shift
done
if (($# > 0)); then
	[[ -z $dir && $# -eq 1 ]] || {
		usage >&2
		exit 2
	}
	dir=$1
fi
# A DIR given by the user is relative to where they stand; the default is
# relative to the repository, so the script works from any directory.
dir=${dir:-$repo_root/certs/dev}

command -v openssl >/dev/null 2>&1 || die "openssl not found (Debian: apt-get install openssl)"

# Certificates are public and keys are 0600 on their own, so the directory
# itself can be readable (a CLI user other than the server's needs ca.crt).
(umask 022 && mkdir -p -- "$dir")
dir=$(cd -- "$dir" && pwd)

# Scratch space inside DIR so the final mv is a rename on one file system:
# a run killed half-way leaves no truncated key or certificate behind.
work=$(mktemp -d "$dir/.make-dev-certs.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

# One configuration for every request and extension set, so the script does
# not depend on the system openssl.cnf or on -addext quirks.
conf=$work/openssl.cnf
cat >"$conf" <<'EOF'
[req]
distinguished_name = req_dn
prompt = no
utf8 = yes
string_mask = utf8only

[req_dn]

[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer

[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer

[wronghost_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF

made=()

# pair_complete NAME: true when both NAME.crt and NAME.key exist. A key
# alone (a run stopped between the two renames, or a key the user supplied)
# is reused; a certificate that has lost its key cannot be repaired here.
# Runs in this shell, never in $(...), so that die really stops the script.
pair_complete() {
	local crt=$dir/$1.crt key=$dir/$1.key
	if [[ -e $crt && ! -e $key ]]; then
		die "$crt exists but $key does not; delete $crt to make a new pair"
	fi
	[[ -e $crt && -e $key ]]
}

# ensure_key NAME: the existing key is kept and reused; otherwise a new one.
ensure_key() {
	local key=$dir/$1.key
	[[ -e $key ]] && return 0
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-pkeyopt ec_param_enc:named_curve -out "$work/$1.key" 2>"$work/err" ||
		die "cannot make key $key: $(cat "$work/err")"
	chmod 0600 "$work/$1.key"
	mv -- "$work/$1.key" "$key"
	made+=("$key")
}

# install_cert NAME: moves a finished certificate into place, world-readable.
install_cert() {
	chmod 0644 "$work/$1.crt"
	mv -- "$work/$1.crt" "$dir/$1.crt"
	made+=("$dir/$1.crt")
}

# random_serial: 120 random bits, positive, as RFC 5280 asks (no serial file
# lying around next to the certificates).
random_serial() {
	echo "0x$(openssl rand -hex 15)"
}

# make_ca NAME SUBJECT: a self-signed CA.
make_ca() {
	local name=$1 subject=$2
	pair_complete "$name" && return 0
	ensure_key "$name"
	openssl req -new -x509 -config "$conf" -extensions ca_ext -sha256 \
		-days "$CA_DAYS" -set_serial "$(random_serial)" -subj "$subject" \
		-key "$dir/$name.key" -out "$work/$name.crt" 2>"$work/err" ||
		die "cannot make CA certificate $dir/$name.crt: $(cat "$work/err")"
	install_cert "$name"
}

# make_leaf NAME ISSUER SUBJECT EXTENSIONS: a leaf signed by ISSUER.
make_leaf() {
	local name=$1 issuer=$2 subject=$3 ext=$4
	pair_complete "$name" && return 0
	ensure_key "$name"
	openssl req -new -config "$conf" -subj "$subject" -key "$dir/$name.key" \
		-out "$work/$name.csr" 2>"$work/err" ||
		die "cannot make request for $dir/$name.crt: $(cat "$work/err")"
	openssl x509 -req -sha256 -days "$LEAF_DAYS" -set_serial "$(random_serial)" \
		-in "$work/$name.csr" -CA "$dir/$issuer.crt" -CAkey "$dir/$issuer.key" \
		-extfile "$conf" -extensions "$ext" -out "$work/$name.crt" 2>"$work/err" ||
		die "cannot sign $dir/$name.crt: $(cat "$work/err")"
	install_cert "$name"
}

# check_pair NAME [ISSUER]: the key belongs to the certificate and, for a
# leaf, the certificate verifies against ISSUER. Catches a CA that was
# deleted and remade while old leaves were kept.
check_pair() {
	local name=$1 issuer=${2:-}
	local crt=$dir/$name.crt key=$dir/$name.key
	local crt_pub key_pub
	crt_pub=$(openssl x509 -noout -pubkey -in "$crt" 2>/dev/null) ||
		die "$crt is not a readable certificate; delete it and $key to make a new pair"
	key_pub=$(openssl pkey -pubout -in "$key" 2>/dev/null) ||
		die "$key is not a readable private key; delete it and $crt to make a new pair"
	[[ $crt_pub == "$key_pub" ]] ||
		die "$key does not match $crt; delete both to make a new pair"
	if [[ -n $issuer ]]; then
		openssl verify -CAfile "$dir/$issuer.crt" "$crt" >/dev/null 2>&1 ||
			die "$crt does not verify against $dir/$issuer.crt; delete $crt and $key to remake it"
	fi
	if ! openssl x509 -noout -checkend 0 -in "$crt" >/dev/null; then
		printf '%s: warning: %s has expired; delete it and its key to remake it\n' \
			"${0##*/}" "$crt" >&2
	fi
}

make_ca ca "/O=$ORG/CN=assure dev CA"
make_leaf server ca "/O=$ORG/CN=localhost" server_ext
for site in "${sites[@]}"; do
	make_leaf "client-$site" ca "/O=$ORG/OU=$site/CN=$site-client" client_ext
done
if ((test_mode)); then
	make_ca other-ca "/O=$ORG/CN=assure unrelated test CA"
	make_leaf wronghost ca "/O=$ORG/CN=wrong.example" wronghost_ext
fi

check_pair ca
check_pair server ca
for site in "${sites[@]}"; do
	check_pair "client-$site" ca
done
if ((test_mode)); then
	check_pair other-ca
	check_pair wronghost ca
fi

if ((${#made[@]} > 0)); then
	printf 'made %s\n' "${made[@]}"
fi
