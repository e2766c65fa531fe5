"""XML-RPC steps of the compat suite, run with the venv's Python against any daemon.

Usage: xmlrpc_scenario.py URL USER PASSWORD SECTION [ARG...] (USER '' for no credentials;
URL http://host:port or unix:///path). Prints a JSON list of records, one per call:
{"call": name, "args": [...], "result": value} or {..., "fault": [code, string]}.
Waits poll with a generous timeout and record what they saw, never sleep blindly."""
import http.client
import json
import sys
import time
import xmlrpc.client

from supervisor.xmlrpc import SupervisorTransport

TIMEOUT = 30.0
RECORDS = []


def proxy(url, user, password):
    transport = SupervisorTransport(user or None, password or None, url)
    return xmlrpc.client.ServerProxy('http://127.0.0.1', transport=transport, allow_none=False)


class Session:
    def __init__(self, url, user, password):
        self.url, self.user, self.password = url, user, password
        self.server = proxy(url, user, password)

    def raw(self, name, *args):
        target = self.server
        for part in name.split('.'):
            target = getattr(target, part)
        try:
            return target(*args)
        except (OSError, http.client.HTTPException):
            # The transport keeps a broken connection after a transport error: start afresh.
            self.server = proxy(self.url, self.user, self.password)
            raise

    def call(self, name, *args, keep=True, shape=None):
        """Calls name(*args) and records the result or the fault; returns the result or None."""
        record = {'call': name, 'args': list(args)}
        try:
            result = self.raw(name, *args)
        except xmlrpc.client.Fault as fault:
            record['fault'] = [fault.faultCode, fault.faultString]
            RECORDS.append(record)
            return None
        except xmlrpc.client.ProtocolError as err:
            record['protocol_error'] = [err.errcode, err.errmsg]
            RECORDS.append(record)
            return None
        except (OSError, http.client.HTTPException) as err:
            record['transport_error'] = type(err).__name__
            RECORDS.append(record)
            return None
        record['result'] = shape(result) if shape else result
        if keep:
            RECORDS.append(record)
        return result

    def record(self, record):
        """Adds a record made by a section itself."""
        RECORDS.append(record)

    def info(self, name):
        try:
            return self.raw('supervisor.getProcessInfo', name)
        except (xmlrpc.client.Error, OSError, http.client.HTTPException):
            # A poll: the next one tells.
            return None

    def wait_state(self, name, *states):
        """Polls getProcessInfo until the state name is one of states; records the last seen."""
        deadline = time.monotonic() + TIMEOUT
        info = self.info(name)
        while (info is None or info['statename'] not in states) and time.monotonic() < deadline:
            time.sleep(0.05)
            info = self.info(name)
        RECORDS.append({'wait': name, 'state': info and info['statename'],
                        'ok': bool(info) and info['statename'] in states})
        return info

    def wait_log(self, text):
        """Polls the main log until it contains text."""
        deadline = time.monotonic() + TIMEOUT
        found = False
        while not found and time.monotonic() < deadline:
            found = text in self.raw('supervisor.readLog', 0, 0)
            if not found:
                time.sleep(0.05)
        RECORDS.append({'wait_log': text, 'ok': found})

    def wait_output(self, name, text, channel='Stdout'):
        """Polls a process log until it contains text."""
        deadline = time.monotonic() + TIMEOUT
        found = False
        while not found and time.monotonic() < deadline:
            found = text in self.raw('supervisor.readProcess%sLog' % channel, name, 0, 0)
            if not found:
                time.sleep(0.05)
        RECORDS.append({'wait_output': [name, channel, text], 'ok': found})


    def wait_file(self, path, text):
        """Polls a file until it contains text."""
        deadline = time.monotonic() + TIMEOUT
        found = False
        while not found and time.monotonic() < deadline:
            try:
                with open(path) as f:
                    found = text in f.read()
            except OSError:
                pass
            if not found:
                time.sleep(0.05)
        RECORDS.append({'wait_file': text, 'ok': found})


def ready(s, timeout=TIMEOUT):
    """Waits until getState answers RUNNING (the daemon may still be binding its socket)."""
    deadline = time.monotonic() + float(timeout)
    state = None
    while time.monotonic() < deadline:
        try:
            state = s.raw('supervisor.getState')['statename']
            if state == 'RUNNING':
                break
        except (OSError, xmlrpc.client.Error, http.client.HTTPException):
            pass
        time.sleep(0.05)
    RECORDS.append({'ready': state, 'ok': state == 'RUNNING'})


from scenarios import SECTIONS  # noqa: E402  (sections get a Session, defined above)


def main():
    url, user, password, section, *args = sys.argv[1:]
    s = Session(url, user, password)
    if section == 'ready':
        ready(s, *args)
    elif section == 'wait':
        s.wait_state(args[0], *args[1:])
    elif section == 'wait_log':
        s.wait_log(args[0])
    elif section == 'wait_output':
        s.wait_output(*args)
    elif section == 'wait_file':
        s.wait_file(args[0], args[1])
    elif section == 'call':
        # call METHOD JSON-ARGS: one call with arguments given as a JSON list.
        s.call(args[0], *json.loads(args[1] if len(args) > 1 else '[]'))
    else:
        SECTIONS[section](s, *args)
    json.dump(RECORDS, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
