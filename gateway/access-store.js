module.exports = require('./dist/src/access/store');
