module.exports = require('./dist/src/core');
