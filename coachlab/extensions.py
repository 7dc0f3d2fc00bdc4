"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

csrf = CSRFProtect()
migrate = Migrate(render_as_batch=True, compare_type=True)
