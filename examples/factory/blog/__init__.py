import os

from flask import Flask


def create_app(config_name=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only-change-me"),
        BLOG_TITLE=os.environ.get("BLOG_TITLE", "flaskpack blog"),
    )
    if config_name == "testing":
        app.config["TESTING"] = True

    from .views.pages import pages
    from .views.posts import posts

    app.register_blueprint(pages)
    app.register_blueprint(posts, url_prefix="/post")

    @app.route("/health")
    def health():
        return {"status": "ok"}

    return app
