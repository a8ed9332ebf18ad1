export { Inspector, useDocVersion, type InspectorProps } from './Inspector'
