"""A scripted MQTT 3.1.1 device on Eclipse Paho, for the integration tests.

Run with /usr/bin/python3 (Debian's python3-paho-mqtt 1.6). Connects, subscribes (one SUBSCRIBE packet),
then publishes, and prints one JSON object per line as things happen:
  {"event":"connack","rc":0}  {"event":"suback","granted":[1,128]}  {"event":"puback","mid":2}
  {"event":"message","topic":"/provision/response","qos":1,"payload":"{...}"}
  {"event":"closed","rc":1}   {"event":"timeout"}
It stops after --count messages, at the SUBACK with --until-suback, once every publish is acknowledged with
--until-puback, when the server closes the connection with --until-close, or at --timeout.
"""

import argparse
import json
import sys
import threading

import paho.mqtt.client as mqtt


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", default="")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--subscribe", action="append", default=[], metavar="TOPIC[@QOS]")
    parser.add_argument("--publish", action="append", nargs=2, default=[], metavar=("TOPIC", "PAYLOAD"))
    parser.add_argument("--qos", type=int, default=1, help="QoS of the publishes")
    parser.add_argument("--count", type=int, default=0, help="stop after this many messages (0: never)")
    parser.add_argument("--until-close", action="store_true", help="stop when the server closes the connection")
    parser.add_argument("--until-suback", action="store_true", help="stop once the SUBACK arrived")
    parser.add_argument("--until-puback", action="store_true", help="stop once every publish was acknowledged")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()

    lock = threading.Lock()
    finished = threading.Event()
    received = 0
    acknowledged = 0

    def emit(**event):
        with lock:
            sys.stdout.write(json.dumps(event) + "\n")
            sys.stdout.flush()

    # No reconnecting: it would hide the server closing the session, which --until-close watches for.
    client = mqtt.Client(
        client_id=args.client_id, clean_session=True, protocol=mqtt.MQTTv311, reconnect_on_failure=False
    )
    if args.username is not None:
        client.username_pw_set(args.username, args.password)

    def publish_all():
        for topic, payload in args.publish:
            client.publish(topic, payload, qos=args.qos)

    def on_connect(c, userdata, flags, rc):
        emit(event="connack", rc=rc)
        if rc != 0:
            finished.set()
            return
        if args.subscribe:
            topics = []
            for spec in args.subscribe:
                topic, _, qos = spec.partition("@")
                topics.append((topic, int(qos or 1)))
            c.subscribe(topics)
        else:
            publish_all()

    def on_subscribe(c, userdata, mid, granted_qos):
        emit(event="suback", granted=list(granted_qos))
        if args.until_suback:
            finished.set()
            return
        publish_all()

    def on_publish(c, userdata, mid):
        nonlocal acknowledged
        emit(event="puback", mid=mid)
        acknowledged += 1
        if args.until_puback and acknowledged >= len(args.publish):
            finished.set()

    def on_message(c, userdata, msg):
        nonlocal received
        emit(event="message", topic=msg.topic, qos=msg.qos, payload=msg.payload.decode("utf-8", "replace"))
        received += 1
        if args.count and received >= args.count and not args.until_close:
            finished.set()

    def on_disconnect(c, userdata, rc):
        emit(event="closed", rc=rc)
        finished.set()

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_publish = on_publish
    client.on_message = on_message
    client.on_disconnect = on_disconnect

    try:
        client.connect(args.host, args.port, keepalive=60)
    except OSError as err:
        emit(event="error", message=str(err))
        return 1
    client.loop_start()
    if not finished.wait(args.timeout):
        emit(event="timeout")
    client.disconnect()
    client.loop_stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
