"""Subscriber side of tests/zmq_python.rs: the reference client of Supvisors 0.15 against our
publisher.

Usage: zmq_subscriber.py PORT. Prints `ready` once both subscribers receive the pings, then
checks the real sequence (ended by a `process` message named `__end__`) and prints `OK`.
"""
import json
import sys

import zmq
from supvisors.supvisorszmq import EventSubscriber

# key order and exact Python types of each payload (interface spec §1.5, §3.3, §3.4)
SUPVISORS = [('fsm_statecode', int), ('fsm_statename', str), ('starting_jobs', list),
             ('stopping_jobs', list)]
INSTANCE = [('identifier', str), ('node_name', str), ('port', int), ('statecode', int),
            ('statename', str), ('sequence_counter', int), ('remote_time', int),
            ('local_time', int), ('loading', int), ('fsm_statecode', int), ('fsm_statename', str),
            ('starting_jobs', bool), ('stopping_jobs', bool)]
APPLICATION = [('application_name', str), ('managed', bool), ('statecode', int),
               ('statename', str), ('major_failure', bool), ('minor_failure', bool)]
PROCESS = [('application_name', str), ('process_name', str), ('statecode', int),
           ('statename', str), ('expected_exit', bool), ('last_event_time', float),
           ('identifiers', list), ('extra_args', str)]
CHANGE = [('name', str), ('group', str), ('state', int), ('now', float), ('pid', int),
          ('expected', bool), ('spawnerr', str), ('extra_args', str), ('disabled', bool),
          ('identifier', str)]
REMOVAL = [('name', str), ('group', str), ('state', int), ('identifier', str)]
FORCED = [('group', str), ('name', str), ('state', int), ('now', float), ('pid', int),
          ('expected', bool), ('spawnerr', str), ('extra_args', str), ('identifier', str)]
DISABILITY = [('name', str), ('group', str), ('state', int), ('statename', str), ('start', int),
              ('stop', int), ('now', float), ('pid', int), ('description', str),
              ('spawnerr', str), ('expected', bool), ('startsecs', int), ('stopwaitsecs', int),
              ('extra_args', str), ('disabled', bool), ('identifier', str)]
EXPECTED = [('supvisors', SUPVISORS), ('instance', INSTANCE), ('application', APPLICATION),
            ('process', PROCESS), ('process', PROCESS), ('event', CHANGE), ('event', REMOVAL),
            ('event', FORCED), ('event', DISABILITY)]
TIMEOUT_MS = 20000


class Quiet:
    """The subscriber only logs debug traces: drop them."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def is_ping(header, body):
    return ((header == 'supvisors' and body.get('starting_jobs') == ['__ping__'])
            or (header == 'process' and body.get('process_name') == '__ping__'))


def is_end(header, body):
    return header == 'process' and body.get('process_name') == '__end__'


def receive(subscriber):
    """(header, body) with the reference client's own decoding."""
    if not subscriber.socket.poll(TIMEOUT_MS):
        sys.exit('no message received')
    return subscriber.receive()


def receive_raw(subscriber):
    """(header, body), checking the frames are exactly two and the body is json.dumps'."""
    if not subscriber.socket.poll(TIMEOUT_MS):
        sys.exit('no message received')
    frames = subscriber.socket.recv_multipart()
    assert len(frames) == 2, frames
    body = json.loads(frames[1])
    assert frames[1] == json.dumps(body).encode('ascii'), frames[1]
    return frames[0].decode('utf-8'), body


def collect(subscriber, recv):
    """The real messages, pings skipped, up to the end marker."""
    messages = []
    while True:
        header, body = recv(subscriber)
        if is_end(header, body):
            return messages
        if not is_ping(header, body):
            messages.append((header, body))


def check(header, body, spec):
    assert list(body) == [key for key, _ in spec], (header, list(body))
    for key, kind in spec:
        # `type is`, not isinstance: a bool is an int in Python
        assert type(body[key]) is kind, (header, key, type(body[key]), kind)
        if kind is list:
            assert all(type(item) is str for item in body[key]), (header, key)


def main():
    port = int(sys.argv[1])
    context = zmq.Context.instance()
    everything = EventSubscriber(context, port, Quiet())
    everything.subscribe_all()
    processes = EventSubscriber(context, port, Quiet())
    processes.subscribe_process_status()
    # slow joiner: wait until each subscription gets a ping before the real sequence is sent
    poller = zmq.Poller()
    for subscriber in (everything, processes):
        poller.register(subscriber.socket, zmq.POLLIN)
    joined = set()
    while len(joined) < 2:
        events = dict(poller.poll(TIMEOUT_MS))
        if not events:
            sys.exit('no ping received')
        for subscriber in (everything, processes):
            if subscriber.socket in events:
                subscriber.receive()
                joined.add(id(subscriber))
    print('ready', flush=True)
    received = collect(everything, receive)
    assert [h for h, _ in received] == [h for h, _ in EXPECTED], [h for h, _ in received]
    for (header, body), (_, spec) in zip(received, EXPECTED):
        check(header, body, spec)
    deleted, removal = received[4][1], received[6][1]
    assert (deleted['statecode'], deleted['statename']) == (-1, 'DELETED'), deleted
    assert removal['state'] == -1, removal
    filtered = collect(processes, receive_raw)
    assert filtered == received[3:5], filtered
    everything.close()
    processes.close()
    print('OK', flush=True)


if __name__ == '__main__':
    main()
