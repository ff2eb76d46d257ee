import os

import psycopg2
from flask import Flask, jsonify, request

app = Flask(__name__)
DATABASE_URL = os.environ["DATABASE_URL"]


def connect():
    return psycopg2.connect(DATABASE_URL)


def init_db():
    with connect() as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS notes (id SERIAL PRIMARY KEY, body TEXT NOT NULL)")


@app.route("/health")
def health():
    try:
        with connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")
        return jsonify(status="ok", database="up")
    except psycopg2.Error as e:
        return jsonify(status="degraded", database=str(e).strip()), 503


@app.get("/notes")
def list_notes():
    init_db()
    with connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT id, body FROM notes ORDER BY id")
        return jsonify([{"id": r[0], "body": r[1]} for r in cur.fetchall()])


@app.post("/notes")
def add_note():
    body = (request.get_json(silent=True) or {}).get("body")
    if not body:
        return jsonify(error="body is required"), 400
    init_db()
    with connect() as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO notes (body) VALUES (%s) RETURNING id", (body,))
        note_id = cur.fetchone()[0]
    return jsonify(id=note_id, body=body), 201


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 8080)))
