#!/usr/bin/env python3
"""Security properties of the `kafkatrace` CLI, one check per run.

    cli_security_test.py KAFKATRACE_BINARY CHECK

CHECK is one of:
  broker_loopback            every port `kafkatrace broker --brokers 3` listens on is bound to a
                             loopback address (127.0.0.0/8, ::1), none to 0.0.0.0 / ::
  broker_forwarder_loopback  the same with `--port P`: P is among them, on loopback
  demo_stderr                `kafkatrace demo` with secrets in OTEL_EXPORTER_OTLP_HEADERS and in
                             the endpoint's userinfo (an endpoint that refuses connections, so
                             exports fail and are logged; OTEL_LOG_LEVEL=debug): no secret on
                             stdout or stderr
  produce_stderr             the same for `kafkatrace produce` against an embedded broker, with
                             SASL/SSL passwords given as -X properties (delivered over PLAINTEXT
                             with librdkafka's configuration dump, refused over SASL_PLAINTEXT, and
                             rejected at creation: a misspelt property, a secret this librdkafka
                             was built without, a key password with a missing key file)

The listening sockets are read from /proc (the process's socket inodes in /proc/PID/fd, matched
in /proc/net/tcp and /proc/net/tcp6); the script first checks that this sees a socket of its own
bound to 0.0.0.0 as such. The secret checks first check that logging really happened (export
failures, debug lines, warnings), so a silent run cannot pass.
Exit codes: 0 pass, 1 fail, 2 usage, 77 the command under test does not exist (skipped).
"""
import ipaddress
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time

NAME = "cli_security_test"
SKIP = 77

API_KEY = "SECRET-abc123"
ENDPOINT_PASSWORD = "PASSWORD-xyz"
MALFORMED_HEADER = "MALFORMED-SECRET-q9"  # an OTLP header entry without '=': warned about by name
SASL_PASSWORD = "SASLSECRET-1"
MISSPELT_SASL_PASSWORD = "SASLSECRET-2"
SSL_KEY_PASSWORD = "SSLSECRET-3"
OAUTH_SECRET = "OAUTHSECRET-4"
SECRETS = [API_KEY, ENDPOINT_PASSWORD, MALFORMED_HEADER, SASL_PASSWORD, MISSPELT_SASL_PASSWORD,
           SSL_KEY_PASSWORD, OAUTH_SECRET, "abc123"]
UNREACHABLE_PORT = 1  # nothing listens on 127.0.0.1:1: every export fails at once

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"{NAME}: FAIL: {message}", file=sys.stderr, flush=True)
    return condition


def clean_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.pop("NO_COLOR", None)
    return env


def secret_environment():
    env = clean_environment()
    env.update({
        "OTEL_EXPORTER_OTLP_HEADERS": f"api-key={API_KEY},{MALFORMED_HEADER}",
        "OTEL_EXPORTER_OTLP_ENDPOINT":
            f"http://user:{ENDPOINT_PASSWORD}@127.0.0.1:{UNREACHABLE_PORT}",
        "OTEL_LOG_LEVEL": "debug",
        # Bounds each failing export (retries included), so the run stays short.
        "OTEL_EXPORTER_OTLP_TIMEOUT": "2000",
    })
    return env


def run(binary, *args, env, stdin=None, timeout=60):
    try:
        return subprocess.run([binary, *args], input=stdin, capture_output=True, text=True,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired as expired:
        def text(data):
            return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")
        check(False, f"`kafkatrace {' '.join(args)}` still running after {timeout} s")
        return subprocess.CompletedProcess(expired.cmd, None, text(expired.stdout),
                                           text(expired.stderr))


def command_exists(binary, command):
    result = run(binary, command, "--help", env=clean_environment(), timeout=20)
    return not (result.returncode == 2 and "unknown command" in result.stderr)


# --- listening sockets -----------------------------------------------------------------------

def decode_address(hex_address):
    """An address from /proc/net/tcp{,6}: 32-bit words in host (little-endian) byte order."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return ipaddress.ip_address(words)


def socket_inodes(pid):
    inodes = set()
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue  # closed meanwhile
        match = re.fullmatch(r"socket:\[(\d+)\]", target)
        if match:
            inodes.add(match.group(1))
    return inodes


def listening_sockets(pid):
    """[(ip address, port)] of the TCP sockets process `pid` listens on."""
    inodes = socket_inodes(pid)
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as lines:
                next(lines)  # the heading
                for line in lines:
                    fields = line.split()
                    local, state, inode = fields[1], fields[3], fields[9]
                    if state != "0A" or inode not in inodes:  # 0A: TCP_LISTEN
                        continue
                    address, port = local.split(":")
                    found.append((decode_address(address), int(port, 16)))
        except FileNotFoundError:
            continue  # no IPv6 in this kernel
    return found


def is_loopback(address):
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def describe(sockets):
    return ", ".join(f"{a}:{p}" for a, p in sockets) or "(none)"


def check_socket_listing_sees_wildcard():
    """The listing must see a socket bound to all interfaces, or the broker checks prove nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as wildcard:
        wildcard.bind(("0.0.0.0", 0))
        wildcard.listen(1)
        port = wildcard.getsockname()[1]
        mine = [s for s in listening_sockets(os.getpid()) if s[1] == port]
        return check(len(mine) == 1 and str(mine[0][0]) == "0.0.0.0" and not is_loopback(mine[0][0]),
                     f"the /proc listing does not see this script's 0.0.0.0:{port} socket: "
                     f"{describe(mine)}")


def unused_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Broker:
    """`kafkatrace broker ARGS` with a clean environment, until stop()."""

    def __init__(self, binary, *args):
        self.process = subprocess.Popen([binary, "broker", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True,
                                        env=clean_environment())
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        self.bootstrap = self.process.stdout.readline().strip() if ready else ""
        if not re.fullmatch(r"[\w.\-\[\]:]+:\d+(,[\w.\-\[\]:]+:\d+)*", self.bootstrap):
            code = self.stop()
            raise RuntimeError(f"the broker printed {self.bootstrap!r} as its bootstrap line "
                               f"(exit {code}); stderr: {self.stderr!r}")

    def stop(self):
        self.stderr = ""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, self.stderr = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, self.stderr = self.process.communicate(timeout=10)
            return None
        return self.process.returncode


def check_broker_sockets(binary, brokers, port=None):
    if not check_socket_listing_sees_wildcard():
        return
    args = ["--brokers", str(brokers), "--topic", "security"]
    if port is not None:
        args += ["--port", str(port)]
    broker = Broker(binary, *args)
    try:
        expected = brokers + (1 if port is not None else 0)
        deadline = time.monotonic() + 5
        sockets = listening_sockets(broker.process.pid)
        while len(sockets) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
            sockets = listening_sockets(broker.process.pid)
        print(f"{NAME}: bootstrap {broker.bootstrap}; listening on {describe(sockets)}")
        check(len(sockets) >= expected, f"the broker listens on {len(sockets)} sockets "
                                        f"({describe(sockets)}), expected at least {expected}")
        for address, listening_port in sockets:
            check(is_loopback(address), f"the broker listens on {address}:{listening_port}, "
                                        "not on a loopback address")
        ports = {p for _, p in sockets}
        for host_port in broker.bootstrap.split(","):
            host, _, bootstrap_port = host_port.rpartition(":")
            check(int(bootstrap_port) in ports,
                  f"bootstrap {host_port} is not among the listening sockets {describe(sockets)}")
            check(host in ("127.0.0.1", "localhost", "::1", "[::1]"),
                  f"bootstrap address {host_port} is not loopback")
        if port is not None:
            forwarder = [(a, p) for a, p in sockets if p == port]
            check(forwarder, f"nothing listens on the --port {port}: {describe(sockets)}")
            check(all(is_loopback(a) for a, _ in forwarder),
                  f"the --port forwarder listens on {describe(forwarder)}")
            check(broker.bootstrap == f"127.0.0.1:{port}",
                  f"with --port {port} the bootstrap line is {broker.bootstrap!r}")
    finally:
        code = broker.stop()
        check(code == 0, f"the broker exited {code} on SIGTERM: {broker.stderr!r}")


# --- secrets on stdout / stderr --------------------------------------------------------------

def check_no_secret(what, result):
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        for secret in SECRETS:
            for line in text.splitlines():
                check(secret not in line, f"{what}: {stream} shows secret {secret!r}: {line!r}")


def check_export_failures_logged(what, stderr):
    """The OTLP exports really failed and were logged (with the endpoint, credentials hidden)."""
    export_failures = [line for line in stderr.splitlines()
                       if re.search(r"\bexport\b.*\bfailed\b", line)]
    check(export_failures, f"{what}: no export failure on stderr, so the endpoint with the "
                           f"password was never in play:\n{stderr}")
    check(any(re.search(rf"127\.0\.0\.1:{UNREACHABLE_PORT}(?!\d)", line)
              for line in export_failures),
          f"{what}: the export failures do not name the endpoint: {export_failures}")
    check(any("[debug]" in line for line in stderr.splitlines()),
          f"{what}: no debug line on stderr although OTEL_LOG_LEVEL=debug")
    check(any("OTEL_EXPORTER_OTLP_HEADERS" in line for line in stderr.splitlines()),
          f"{what}: the malformed OTEL_EXPORTER_OTLP_HEADERS entry was not warned about")


def check_demo(binary):
    result = run(binary, "demo", "--orders", "2", env=secret_environment(), timeout=100)
    if result.returncode is None:
        return
    # Exports fail by design: exit 1 ("not every span reached its destination") or 0.
    check(result.returncode in (0, 1), f"demo exited {result.returncode}:\n{result.stderr}")
    check("kafkatrace demo: " in result.stdout, f"demo printed no summary:\n{result.stdout}")
    check_export_failures_logged("demo", result.stderr)
    check_no_secret("demo", result)


def check_produce(binary):
    broker = Broker(binary, "--topic", "security")
    try:
        bootstrap = broker.bootstrap
        env = secret_environment()
        common = ["-b", bootstrap, "-t", "security", "--json"]

        # PLAINTEXT: librdkafka ignores the SASL credentials; debug=all dumps its configuration.
        result = run(binary, "produce", *common, "-X", "sasl.username=kt-user",
                     "-X", f"sasl.password={SASL_PASSWORD}", "-X", "debug=all",
                     env=env, stdin="delivered\n")
        what = "produce over PLAINTEXT"
        check(result.returncode == 0, f"{what}: exit {result.returncode}:\n{result.stderr}")
        check('"offset":' in result.stdout and '"error"' not in result.stdout,
              f"{what}: no delivery line: {result.stdout!r}")
        check(re.search(r"sasl\.password\b.*\[redacted\]", result.stderr),
              f"{what}: librdkafka's configuration dump (sasl.password [redacted]) is not on "
              "stderr, so the password was never near the log")
        check_export_failures_logged(what, result.stderr)
        check_no_secret(what, result)

        # SASL_PLAINTEXT against a broker without SASL: the connection fails, the message too.
        result = run(binary, "produce", *common, "-X", "security.protocol=sasl_plaintext",
                     "-X", "sasl.mechanism=PLAIN", "-X", "sasl.username=kt-user",
                     "-X", f"sasl.password={SASL_PASSWORD}", "-X", "message.timeout.ms=3000",
                     "-X", "debug=security,broker,protocol,conf", env=env, stdin="refused\n")
        what = "produce over SASL_PLAINTEXT"
        check(result.returncode == 1, f"{what}: exit {result.returncode}, expected 1 (not "
                                      f"delivered):\n{result.stderr}")
        check('"error"' in result.stdout, f"{what}: the --json line has no error: "
                                          f"{result.stdout!r}")
        check("SASL" in result.stderr, f"{what}: no SASL failure on stderr:\n{result.stderr}")
        check_export_failures_logged(what, result.stderr)
        check_no_secret(what, result)

        # Refused when the producer is created: the error must name the property, not its value.
        for properties, name in (
                ([f"sasl.pasword={MISSPELT_SASL_PASSWORD}"], "sasl.pasword"),
                ([f"sasl.oauthbearer.client.secret={OAUTH_SECRET}"],
                 "sasl.oauthbearer.client.secret"),
                (["security.protocol=ssl", "ssl.key.location=/nonexistent/kafkatrace.key",
                  f"ssl.key.password={SSL_KEY_PASSWORD}"], "ssl.key")):
            args = [word for p in properties for word in ("-X", p)]
            result = run(binary, "produce", *common, *args, env=env, stdin="never sent\n")
            what = f"produce -X {properties[-1].split('=')[0]}=..."
            if properties[0].startswith("sasl.oauthbearer") and result.returncode == 0:
                # A librdkafka built with OIDC accepts it; nothing to check beyond the secret.
                check_no_secret(what, result)
                continue
            check(result.returncode == 2, f"{what}: exit {result.returncode}, expected 2 (a "
                                          f"property librdkafka rejects):\n{result.stderr}")
            check(name in result.stderr, f"{what}: stderr does not name {name}:\n{result.stderr}")
            check_no_secret(what, result)
    finally:
        code = broker.stop()
        check(code == 0, f"the broker exited {code} on SIGTERM")


def main():
    checks = {
        "broker_loopback": (("broker",), lambda b: check_broker_sockets(b, brokers=3)),
        "broker_forwarder_loopback":
            (("broker",), lambda b: check_broker_sockets(b, brokers=1, port=unused_port())),
        "demo_stderr": (("demo",), check_demo),
        "produce_stderr": (("broker", "produce"), check_produce),
    }
    if len(sys.argv) != 3 or sys.argv[2] not in checks:
        print(f"usage: {sys.argv[0]} KAFKATRACE_BINARY {{{'|'.join(checks)}}}", file=sys.stderr)
        return 2
    binary, name = sys.argv[1], sys.argv[2]
    commands, function = checks[name]
    for command in commands:
        if not command_exists(binary, command):
            print(f"{NAME}: {name}: skipped: `kafkatrace {command}` does not exist")
            return SKIP
    started = time.monotonic()
    try:
        function(binary)
    except RuntimeError as error:
        check(False, str(error))
    print(f"{NAME}: {name} took {time.monotonic() - started:.1f} s")
    if failures:
        print(f"{NAME}: {name}: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print(f"{NAME}: {name}: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
