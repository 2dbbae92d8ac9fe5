// The loader lives in store/ (openDb loads sqlite-vec before migrating: a database with vec0 tables
// cannot even be introspected without it); rag/ code keeps importing it from here.
export { loadSqliteVec, trySqliteVec, type ExtensionLoader } from '../store/sqlite-vec.js'
