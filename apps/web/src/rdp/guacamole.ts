// guacamole-common-js's ES build ends with `export default Guacamole` (what vite resolves through
// the package's `exports.import`); its types (@types/guacamole-common-js) describe that namespace.
import Guacamole from 'guacamole-common-js';

export default Guacamole;
