from flask import Blueprint, current_app, render_template

from ..data import POSTS

pages = Blueprint("pages", __name__)


@pages.route("/")
def index():
    return render_template("index.html", title=current_app.config["BLOG_TITLE"], posts=POSTS.values())


@pages.route("/about")
def about():
    return render_template("about.html", title="About")
