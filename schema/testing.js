module.exports = require('./dist/src/testing');
