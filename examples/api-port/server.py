import os

from flask import Flask, jsonify, request

application = Flask(__name__)

FRONTEND_URL = os.getenv("FRONTEND_URL", "http://localhost:3000")
BACKEND_URL = os.environ.get("BACKEND_URL", "http://localhost:4567")

ACTIVITIES = [
    {"uuid": "68f126b0-1ceb-4a33-88be-d90fa7109eee", "handle": "andrew", "message": "Cloud is fun!", "likes": 5},
    {"uuid": "66e12864-8c26-4c3a-9658-95a10f8fea67", "handle": "worf", "message": "Qapla'", "likes": 0},
]


@application.after_request
def cors(response):
    response.headers["Access-Control-Allow-Origin"] = FRONTEND_URL
    response.headers["Access-Control-Allow-Headers"] = "content-type"
    return response


@application.route("/api/activities/home", methods=["GET"])
def activities_home():
    return jsonify(ACTIVITIES)


@application.route("/api/activities", methods=["POST"])
def activities_create():
    body = request.get_json(silent=True) or {}
    return jsonify({"handle": body.get("handle", "anonymous"), "message": body.get("message", "")}), 201


@application.get("/api/health")
def health():
    return jsonify(status="ok", backend=BACKEND_URL)


if __name__ == "__main__":
    application.run(host="0.0.0.0", port=int(os.environ.get("PORT", 4567)))
