module.exports = require('./dist/src/stubs');
