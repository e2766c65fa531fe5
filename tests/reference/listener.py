"""Event listener for the compat suite, written with the reference's supervisor.childutils.

Appends one JSON line per event to the file named by argv[1]: the envelope headers and the
payload as received (the Rust side normalizes serials and pids). Usage: listener.py FILE."""
import json
import sys

from supervisor import childutils


def main():
    path = sys.argv[1]
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        with open(path, 'a') as out:
            out.write(json.dumps({'headers': headers, 'payload': payload}) + '\n')
        childutils.listener.ok(sys.stdout)


if __name__ == '__main__':
    main()
