from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/units/<code>/reviews")
