//! The server driven by Python's `xmlrpc.client`, as supervisorctl does.

mod common;

use common::{Options, python, start, start_plain};
use supvisors_rpc::server::Auth;

/// §8 item 35 and §3.1: keep-alive over one ServerProxy, values, faults, unknown methods.
#[test]
fn item_35_unknown_names_values_and_keepalive_over_one_proxy() {
    let running = start_plain();
    let out = python(
        r#"
import os, xmlrpc.client, http.client
socks = []
orig = http.client.HTTPConnection.connect
def connect(self):
    orig(self); socks.append(self.sock)
http.client.HTTPConnection.connect = connect
p = xmlrpc.client.ServerProxy(os.environ['URL'])
v = {'s': 'a&b<c>é中', 'n': [1, -2, True, False, {'x': []}], 'e': ''}
assert p.test.echo(v) == v, p.test.echo(v)
assert p.test.echo(2**31 - 1) == 2**31 - 1
for name in ['test.fault', 'test.nosuch', 'nosuch.x', 'test._echo', 'a.b.c']:
    try:
        getattr(p, name)()
        raise SystemExit('no fault for ' + name)
    except xmlrpc.client.Fault as f:
        print(name, f.faultCode, f.faultString)
try:
    p.test.echo()
except xmlrpc.client.Fault as f:
    print('arity', f.faultCode, f.faultString)
print('connections', len(socks))
"#,
        &running,
    );
    assert_eq!(
        out,
        "test.fault 10 BAD_NAME: nosuch\ntest.nosuch 1 UNKNOWN_METHOD\nnosuch.x 1 UNKNOWN_METHOD\n\
         test._echo 1 UNKNOWN_METHOD\na.b.c 1 UNKNOWN_METHOD\narity 2 INCORRECT_PARAMETERS\nconnections 1\n"
    );
}

/// §8 item 34: listMethods, methodHelp, methodSignature.
#[test]
fn item_34_introspection() {
    let running = start_plain();
    let out = python(
        r#"
import os, xmlrpc.client
p = xmlrpc.client.ServerProxy(os.environ['URL'])
print(p.system.listMethods())
print(p.system.methodSignature('test.echo'), p.system.methodSignature('system.multicall'))
print(repr(p.system.methodHelp('test.echo')))
for m in ['methodHelp', 'methodSignature']:
    try:
        getattr(p.system, m)('test.nosuch')
    except xmlrpc.client.Fault as f:
        print(m, f.faultCode, f.faultString)
"#,
        &running,
    );
    assert_eq!(
        out,
        "['system.listMethods', 'system.methodHelp', 'system.methodSignature', 'system.multicall', \
         'test.echo', 'test.fault', 'test.later', 'test.release', 'test.slow']\n\
         ['string', 'string'] ['array', 'array']\n' Echo\\n@param string x\\n@return string x\\n'\n\
         methodHelp 4 SIGNATURE_UNSUPPORTED\nmethodSignature 4 SIGNATURE_UNSUPPORTED\n"
    );
}

/// §8 items 39-40: multicall with a deferred entry, bare values, fault structs, quirks.
#[test]
fn item_40_multicall_quirks_with_deferred_entry() {
    let running = start_plain();
    let out = python(
        r#"
import os, xmlrpc.client
p = xmlrpc.client.ServerProxy(os.environ['URL'])
r = p.system.multicall([
    {'methodName': 'test.later', 'params': ['first']},
    {'methodName': 'test.echo', 'params': ['second']},
    {'methodName': 'test.fault'},
    {'methodName': 'system.multicall', 'params': [[]]},
    {'params': []},
    {'methodName': 'test.nosuch'},
    {'methodName': 'test.echo', 'params': [1, 2]},
])
for x in r: print(x)
"#,
        &running,
    );
    assert_eq!(
        out,
        "first\nsecond\n{'faultCode': 10, 'faultString': 'BAD_NAME: nosuch'}\n\
         {'faultCode': 2, 'faultString': 'INCORRECT_PARAMETERS: Recursive system.multicall forbidden'}\n\
         {'faultCode': 2, 'faultString': 'INCORRECT_PARAMETERS: No methodName'}\n\
         {'faultCode': 1, 'faultString': 'UNKNOWN_METHOD'}\n\
         {'faultCode': 2, 'faultString': 'INCORRECT_PARAMETERS'}\n"
    );
}

/// §3.6: a deferred call holds only its own connection; another connection is served meanwhile.
#[test]
fn deferred_call_does_not_block_other_connections() {
    let running = start_plain();
    let out = python(
        r#"
import os, socket, threading, xmlrpc.client
socket.setdefaulttimeout(30)  # a guard against a hang, not a timing assertion
done = []
def slow():
    done.append(xmlrpc.client.ServerProxy(os.environ['URL']).test.slow())
t = threading.Thread(target=slow); t.start()
q = xmlrpc.client.ServerProxy(os.environ['URL'])
done.append(q.test.echo('echo'))
done.append(q.test.echo('echo again'))
q.test.release()
t.join()
print(done)
"#,
        &running,
    );
    assert_eq!(out, "['echo', 'echo again', 'slow done']\n");
}

/// §8 item 63 (§4.5): Basic auth with plain and {SHA} passwords, 401 otherwise.
#[test]
fn item_63_auth_plain_and_sha() {
    for password in [
        "thepassword",
        "{SHA}82ab876d1387bfafe46cc1c8a2ef074eae50cb1d",
    ] {
        let auth = Auth {
            username: "user".into(),
            password: password.into(),
        };
        let running = start(Options {
            auth: Some(auth),
            unix: false,
            max_connections: None,
        });
        let out = python(
            r#"
import os, xmlrpc.client
url = os.environ['URL']
ok = xmlrpc.client.ServerProxy(url.replace('http://', 'http://user:thepassword@'))
print(ok.test.echo('in'), ok.test.echo('again'))
for bad in [url, url.replace('http://', 'http://user:wrong@'), url.replace('http://', 'http://other:thepassword@')]:
    try:
        xmlrpc.client.ServerProxy(bad).test.echo('x')
    except xmlrpc.client.ProtocolError as e:
        h = {k.lower(): v for k, v in e.headers.items()}  # hyper spells it Www-Authenticate
        print(e.errcode, e.errmsg, h['www-authenticate'], h['connection'])
"#,
            &running,
        );
        assert_eq!(
            out,
            "in again\n401 Unauthorized Basic realm=\"default\" close\n\
             401 Unauthorized Basic realm=\"default\" close\n401 Unauthorized Basic realm=\"default\" close\n",
            "password {password}"
        );
    }
}

/// §8 item 66 (§4.6): the UNIX socket serves the same protocol (supervisor's own transport over unix://).
#[test]
fn item_66_unix_socket_served_with_supervisor_transport() {
    let running = start(Options {
        auth: None,
        unix: true,
        max_connections: None,
    });
    let out = python(
        r#"
import os, xmlrpc.client
from supervisor.xmlrpc import SupervisorTransport
t = SupervisorTransport(None, None, 'unix://' + os.environ['SOCK'])
p = xmlrpc.client.ServerProxy('http://127.0.0.1', transport=t)
print(p.test.echo('over unix'), p.system.methodSignature('test.echo'))
"#,
        &running,
    );
    assert_eq!(out, "over unix ['string', 'string']\n");
}
