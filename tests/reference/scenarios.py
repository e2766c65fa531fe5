"""Sections of xmlrpc_scenario.py, one per compat configuration: each calls every method the
configuration makes meaningful, with good and bad arguments, through a Session."""
import xmlrpc.client
S = 'supervisor.'


def by_name(results):
    """Group and all operations report processes in completion order: sorted here."""
    return sorted(results, key=lambda r: (r['group'], r['name']))


def help_tags(text):
    """methodHelp's exact text is not a requirement (spec §3.4), its @param/@return tags are:
    kept as `@param type name` and `@return type`."""
    tags = []
    for line in text.splitlines():
        words = line.split()
        if words[:1] == ['@param']:
            tags.append(' '.join(words[:3]))
        elif words[:1] == ['@return']:
            tags.append(' '.join(words[:2]))
    return tags


def pid_of(value):
    """Keys a bare pid so the Rust side normalizes it like every other pid."""
    return {'pid': value}


def basic_rpc(s):
    c = s.call
    for name in ['getAPIVersion', 'getVersion', 'getSupervisorVersion', 'getIdentification',
                 'getState']:
        c(S + name)
    c(S + 'getPID', shape=pid_of)
    c(S + 'getPID', 1)
    methods = c('system.listMethods') or []
    for method in methods + ['nosuch', S + 'nosuch']:
        c('system.methodSignature', method)
        c('system.methodHelp', method, shape=help_tags)
    for method in [S + 'nosuch', 'nosuch.foo', 'foo', 'a.b.c', S + '_update']:
        c(method)
    for name in ['sleeper', 'quick', 'exiter', 'manual', 'nofile', 'multi:multi_00',
                 'multi_00', 'multi', 'multi:', 'grp:a', 'a', 'nosuch', 'grp:*', 'nosuch:x']:
        c(S + 'getProcessInfo', name)
    c(S + 'getProcessInfo')
    c(S + 'getAllProcessInfo')
    c(S + 'getAllConfigInfo')
    c('system.multicall', [{'methodName': S + 'getPID'},
                           {'methodName': S + 'getProcessInfo', 'params': ['nosuch']}],
      shape=lambda r: [pid_of(r[0]), r[1]])
    c('system.multicall', [{'methodName': 'system.multicall', 'params': [[]]}, {'params': []},
                           {'methodName': S + 'getAPIVersion'}, {'methodName': S + 'nosuch'},
                           {'methodName': S + 'getPID', 'params': [1]}])
    c('system.multicall', [])
    # Deferred calls inside a multicall: each waits for its process before the next runs.
    # manual (startsecs=1) has surely exec'd when its start returns: a SIGTERM that lands
    # between fork and exec is lost in the reference (escalation to SIGKILL 10 s later).
    c('system.multicall', [{'methodName': S + 'startProcess', 'params': ['manual']},
                           {'methodName': S + 'stopProcess', 'params': ['manual']},
                           {'methodName': S + 'stopProcess', 'params': ['manual']}])
    # Start, stop and signal, single processes.
    c(S + 'startProcess', 'sleeper')
    c(S + 'startProcess', 'nofile')
    c(S + 'startProcess', 'quick')
    s.wait_state('quick', 'FATAL')
    c(S + 'startProcess', 'nosuch')
    c(S + 'startProcess', 'sleeper', True, 'extra')
    c(S + 'startProcess', 'manual')
    c(S + 'getProcessInfo', 'manual')
    c(S + 'stopProcess', 'manual')
    c(S + 'stopProcess', 'manual')
    c(S + 'signalProcess', 'manual', 'BOGUS')
    c(S + 'signalProcess', 'manual', 'HUP')
    c(S + 'startProcess', 'manual', False)
    s.wait_state('manual', 'RUNNING')
    for sig in ['WINCH', 'sigcont', '18', 18, 'SIGWINCH', '999', 999, 'BOGUS']:
        c(S + 'signalProcess', 'manual', sig)
    c(S + 'sendProcessStdin', 'manual', 5)
    c(S + 'sendProcessStdin', 'manual', 'hello\n')
    s.wait_output('manual', 'hello\n')
    c(S + 'readProcessStdoutLog', 'manual', 0, 0)
    c(S + 'sendProcessStdin', 'grp:a', 'x')
    c(S + 'sendProcessStdin', 'nosuch', 'x')
    # Groups.
    c(S + 'startProcessGroup', 'grp', shape=by_name)
    c(S + 'startProcess', 'grp:*', shape=by_name)
    c(S + 'startProcessGroup', 'nosuch', shape=by_name)
    c(S + 'signalProcessGroup', 'grp', 'BOGUS', shape=by_name)
    c(S + 'signalProcessGroup', 'grp', 'WINCH', shape=by_name)
    c(S + 'signalAllProcesses', 'WINCH', shape=by_name)
    c(S + 'stopProcessGroup', 'grp', shape=by_name)
    c(S + 'stopProcessGroup', 'grp', shape=by_name)
    c(S + 'stopProcess', 'grp:a')
    c(S + 'readProcessStdoutLog', 'grp:*', 0, 0)
    c(S + 'clearProcessLogs', 'grp')
    c(S + 'sendRemoteCommEvent', 'a', 'b')
    c(S + 'sendRemoteCommEvent', 'a')
    c(S + 'removeProcessGroup', 'empty')
    c(S + 'removeProcessGroup', 'empty')
    c(S + 'addProcessGroup', 'nosuch')
    c(S + 'addProcessGroup', 'grp')
    c(S + 'removeProcessGroup', 'multi')
    c(S + 'getAllProcessInfo')
    c(S + 'stopAllProcesses', shape=by_name)
    c(S + 'stopAllProcesses', shape=by_name)
    c(S + 'startAllProcesses', shape=by_name)
    # exiter exits 2 s after RUNNING; quick may still be between its two attempts.
    s.wait_state('exiter', 'EXITED')
    s.wait_state('quick', 'FATAL')
    c(S + 'getAllProcessInfo')


def failing_rpc(s):
    c = s.call
    for name in ['nofile', 'noexec', 'isdir', 'empty', 'badchdir']:
        c(S + 'startProcess', name)
        if name == 'badchdir':
            # SPAWN_ERROR comes at the first BACKOFF; FATAL follows on the next tick.
            s.wait_state(name, 'FATAL')
        c(S + 'getProcessInfo', name)
    c(S + 'readProcessStderrLog', 'badchdir', 0, 0)
    c(S + 'readProcessStdoutLog', 'badchdir', 0, 0)
    c(S + 'startProcess', 'quick')
    # SPAWN_ERROR comes at the first BACKOFF, while retries go on: wait for the end.
    s.wait_state('quick', 'FATAL')
    c(S + 'startProcess', 'zero')
    s.wait_state('zero', 'EXITED')
    c(S + 'getProcessInfo', 'zero')
    c(S + 'stopProcess', 'quick')
    abnormal_termination(s, 'slowstart')
    c(S + 'getProcessInfo', 'slowstart')
    c(S + 'getAllProcessInfo')


def abnormal_termination(s, name):
    """startProcess(name) in a thread, stopped from here while STARTING (once exec'd, so the
    SIGTERM is not lost between fork and exec): the pending call faults."""
    import threading
    import time
    other = type(s)(s.url, s.user, s.password)
    outcome = {'call': S + 'startProcess', 'args': [name], 'in_thread': True}

    def start():
        try:
            outcome['result'] = other.raw(S + 'startProcess', name)
        except xmlrpc.client.Fault as fault:
            outcome['fault'] = [fault.faultCode, fault.faultString]
        except (OSError, xmlrpc.client.Error) as err:
            outcome['transport_error'] = type(err).__name__

    starter = threading.Thread(target=start)
    starter.start()
    info = s.wait_state(name, 'STARTING')
    deadline = time.monotonic() + 30
    while info and time.monotonic() < deadline:
        try:
            with open('/proc/%d/cmdline' % info['pid'], 'rb') as f:
                if f.read().startswith(b'sleep'):
                    break
        except OSError:
            pass
        time.sleep(0.02)
    s.call(S + 'stopProcess', name)
    starter.join()
    # Recorded after the stop whatever the thread's timing.
    s.record(outcome)


def stop_rpc(s):
    c = s.call
    c(S + 'startProcess', 'cycling', False)
    s.wait_state('cycling', 'BACKOFF')
    c(S + 'stopProcess', 'cycling')
    c(S + 'getProcessInfo', 'cycling')
    c(S + 'stopProcess', 'cycling')
    c(S + 'getProcessInfo', 'stubborn')


def shutdown_rpc(s):
    """Shutdown while stubborn takes two seconds to stop: only a few calls still work."""
    c = s.call
    c(S + 'shutdown')
    c(S + 'getState')
    c(S + 'shutdown')
    c(S + 'getProcessInfo', 'stubborn')
    c('system.listMethods', shape=len)
    c(S + 'sendRemoteCommEvent', 'a', 'b')
    c('system.multicall', [{'methodName': S + 'getState'}])


def logs_rpc(s):
    c = s.call
    for name, channel in [('talker', 'Stdout'), ('talker', 'Stderr'), ('merged', 'Stdout')]:
        for args in [(0, 0), (-5, 0), (-5, 1), (5, -1), (1000, 0), (2, 3), (0, 1000), (-1000, 0)]:
            c(S + 'readProcess%sLog' % channel, name, *args)
    c(S + 'readProcessLog', 'talker', 0, 0)
    c(S + 'readProcessStderrLog', 'merged', 0, 0)
    c(S + 'readProcessStdoutLog', 'silent', 0, 0)
    c(S + 'readProcessStderrLog', 'silent', 0, 0)
    c(S + 'readProcessStdoutLog', 'nosuch', 0, 0)
    for args in [(0, 5), (10000, 5), (2, 3), (0, 0), (-1, 5), (0, -1)]:
        c(S + 'tailProcessStdoutLog', 'talker', *args)
    c(S + 'tailProcessStdoutLog', 'silent', 0, 10)
    c(S + 'tailProcessStderrLog', 'merged', 0, 10)
    c(S + 'tailProcessStdoutLog', 'burst', 0, 20)
    c(S + 'sendProcessStdin', 'talker', 'hello\n')
    s.wait_output('talker', 'hello\n')
    c(S + 'tailProcessStdoutLog', 'talker', 0, 100)
    c(S + 'tailProcessLog', 'talker', 0, 100)
    c(S + 'readLog', -5, 1)
    c(S + 'readLog', 0, -1)
    c(S + 'readLog', 0, 0, shape=type_name)
    c(S + 'readLog', 10 ** 7, 0)
    c(S + 'readMainLog', -100, 0, shape=len)
    c(S + 'clearProcessLogs', 'talker')
    c(S + 'readProcessStdoutLog', 'talker', 0, 0)
    c(S + 'clearProcessLogs', 'silent')
    c(S + 'clearProcessLogs', 'nosuch')
    c(S + 'clearProcessLog', 'merged')
    c(S + 'clearAllProcessLogs', shape=by_name)
    c(S + 'clearLog')


def http_rpc(s, host, port):
    """HTTP-level answers of the server (§3.1, §4): status and the headers clients rely on."""
    import http.client
    headers_kept = ['Content-Type', 'WWW-Authenticate', 'Transfer-Encoding',
                    'X-Accel-Buffering']
    body = b"<?xml version='1.0'?><methodCall><methodName>supervisor.getAPIVersion" \
           b"</methodName><params></params></methodCall>"
    probes = [
        ('GET', '/RPC2', None, {}),
        ('POST', '/RPC2', b'not xml', {'Content-Type': 'text/xml'}),
        ('POST', '/RPC2xyz', body, {'Content-Type': 'text/xml'}),
        ('POST', '/RPC2', body, {'Content-Type': 'text/xml'}),
        ('GET', '/logtail/nosuch', None, {}),
        ('GET', '/logtail/sleeper/bogus', None, {}),
        ('POST', '/logtail/sleeper', b'x', {}),
        ('GET', '/logtail/sleeper', None, {}),
        ('GET', '/mainlogtail', None, {}),
    ]
    for method, path, data, headers in probes:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            record = {'http': [method, path], 'status': resp.status,
                      'headers': {h: resp.getheader(h) for h in headers_kept
                                  if resp.getheader(h) is not None}}
            if resp.status == 200 and 'xml' in (resp.getheader('Content-Type') or ''):
                record['body'] = resp.read().decode()
        except (OSError, http.client.HTTPException) as err:
            record = {'http': [method, path], 'error': type(err).__name__}
        finally:
            conn.close()
        s.record(record)


def raw_rpc(s):
    """Hand-written HTTP/1.0 requests on the daemon's own socket (TCP or UNIX): framing errors,
    faults over HTTP 200, authentication (§3.1, §4.5); the status line and key headers."""
    import base64
    import socket
    fault_body = (b"<?xml version='1.0'?><methodCall><methodName>supervisor.nosuch"
                  b"</methodName><params></params></methodCall>")
    auth = b''
    if s.user:
        token = base64.b64encode(('%s:%s' % (s.user, s.password)).encode())
        auth = b'Authorization: Basic ' + token + b'\r\n'
    probes = [
        b'GET /RPC2 HTTP/1.0\r\n' + auth + b'\r\n',
        b'POST /RPC2 HTTP/1.0\r\nContent-Type: text/xml\r\n' + auth + b'\r\n',
        b'POST /RPC2 HTTP/1.0\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n'
        % len(fault_body) + auth + b'\r\n' + fault_body,
        b'POST /RPC2 HTTP/1.0\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n'
        % len(fault_body) + b'\r\n' + fault_body,
        b'GET / HTTP/1.0\r\n\r\n',
    ]
    for request in probes:
        if s.url.startswith('unix://'):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address = s.url[len('unix://'):]
        else:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            host, port = s.url[len('http://'):].rsplit(':', 1)
            address = (host, int(port))
        sock.settimeout(10)
        data = b''
        try:
            sock.connect(address)
            sock.sendall(request)
            # Requests without Content-Length get an answer without the body ever coming.
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError as err:
            data += ('<%s>' % type(err).__name__).encode()
        finally:
            sock.close()
        head, _, body = data.partition(b'\r\n\r\n')
        lines = head.decode('latin-1').split('\r\n')
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(':')
            headers[name.strip().lower()] = value.strip()
        record = {'raw': request.decode('latin-1').split('\r\n')[0], 'status': lines[0],
                  'content-type': headers.get('content-type'),
                  'www-authenticate': headers.get('www-authenticate'),
                  'content-length matches': headers.get('content-length') == str(len(body))}
        if 'xml' in (headers.get('content-type') or ''):
            record['body'] = body.decode()
        s.record(record)


def type_name(value):
    return type(value).__name__


def reload_edited_rpc(s):
    s.call(S + 'reloadConfig')


def reload_updated_rpc(s):
    c = s.call
    c(S + 'reloadConfig')
    c(S + 'addProcessGroup', 'keep')
    c(S + 'addProcessGroup', 'nosuch')
    c(S + 'removeProcessGroup', 'keep')
    c(S + 'removeProcessGroup', 'empty')
    c(S + 'removeProcessGroup', 'empty')
    c(S + 'getAllProcessInfo')
    c(S + 'getAllConfigInfo')


def auth_rpc(s):
    c = s.call
    c(S + 'getState')
    c(S + 'getIdentification')
    c(S + 'getProcessInfo', 'sleeper')
    for user, password in [('user', 'wrong'), ('', ''), ('nobody', 'thepassword')]:
        other = type(s)(s.url, user, password)
        other.call(S + 'getState')


def events_rpc(s, events_file):
    c = s.call
    c(S + 'sendRemoteCommEvent', 'mytype', 'my data')
    s.wait_file(events_file, 'my data')
    c(S + 'stopProcess', 'sleeper')
    c(S + 'startProcess', 'sleeper')
    c(S + 'sendProcessStdin', 'talker', 'hello\n')
    s.wait_file(events_file, 'hello')
    c(S + 'sendRemoteCommEvent', 'end', 'of scenario')
    s.wait_file(events_file, 'of scenario')


def groups_rpc(s):
    c = s.call
    c(S + 'getAllProcessInfo')
    c(S + 'getAllConfigInfo')
    c(S + 'startProcess', 'alpha:*', shape=by_name)
    c(S + 'stopProcessGroup', 'alpha', shape=by_name)
    c(S + 'startProcess', 'alpha:*', shape=by_name)
    c(S + 'startProcess', 'alpha:', shape=by_name)
    c(S + 'stopProcess', 'beta:b1')
    c(S + 'startProcessGroup', 'beta', False, shape=by_name)
    s.wait_state('beta:b1', 'RUNNING')
    c(S + 'getProcessInfo', 'alpha:a1')
    c(S + 'getProcessInfo', 'a1')
    c(S + 'stopAllProcesses', shape=by_name)
    c(S + 'startAllProcesses', shape=by_name)


def env_rpc(s):
    c = s.call
    c(S + 'getAllConfigInfo')
    c(S + 'readProcessStdoutLog', 'env', 0, 0)
    c(S + 'readProcessStdoutLog', 'expand:expand', 0, 0)
    c(S + 'getProcessInfo', 'expand')


SECTIONS = {name: fn for name, fn in globals().items()
            if name.endswith('_rpc') and callable(fn)}
