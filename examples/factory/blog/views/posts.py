from flask import Blueprint, abort, jsonify, render_template

from ..data import POSTS

posts = Blueprint("posts", __name__)


@posts.route("/<int:id>")
def show(id):
    post = POSTS.get(id)
    if post is None:
        abort(404)
    return render_template("post.html", post=post, title=post["title"])


@posts.get("/<int:id>.json")
def show_json(id):
    post = POSTS.get(id)
    if post is None:
        abort(404)
    return jsonify(post)
