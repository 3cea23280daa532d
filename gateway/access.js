module.exports = require('./dist/src/access/index');
