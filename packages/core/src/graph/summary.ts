/**
 * One-line texts for node cards and edge labels. They describe what pipeline_ex will do with the
 * step (the loop it runs, the file it loads), so they read the same fields the runtime reads.
 */
import { isMap, scalarText, type Dict } from './structure.js'

const MAX = 80

export function oneLine(text: string, max = MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`
}

/** A value as short text: scalars as written, anything else as '?' (the runtime would not read it). */
function show(v: unknown): string {
  const s = scalarText(v)
  return s === '' ? '?' : s
}

/** Conditions may be strings, `and`/`or`/`not` maps or lists (§13.1). */
export function conditionText(c: unknown): string {
  if (typeof c === 'string') return c
  if (typeof c === 'number' || typeof c === 'boolean') return String(c)
  if (Array.isArray(c)) return c.map(conditionText).join(' and ')
  if (isMap(c)) {
    const parts = Object.entries(c).map(([k, v]) =>
      Array.isArray(v) ? `${k}(${v.map(conditionText).join(', ')})` : `${k}(${conditionText(v)})`,
    )
    return parts.join(' ')
  }
  return ''
}

export function promptSummary(prompt: unknown): string {
  if (typeof prompt === 'string') return oneLine(prompt)
  if (!Array.isArray(prompt)) return ''
  const parts = prompt.filter(isMap)
  const first = (type: string): Dict | undefined => parts.find((p) => p['type'] === type)
  const stat = parts.find((p) => p['type'] === 'static' && scalarText(p['content']).trim() !== '')
  if (stat !== undefined) return oneLine(scalarText(stat['content']))
  const file = first('file')
  if (file !== undefined) return oneLine(`file ${show(file['path'])}`)
  const prev = first('previous_response')
  if (prev !== undefined) {
    const extract = scalarText(prev['extract'])
    return oneLine(`← ${show(prev['step'])}${extract === '' ? '' : `.${extract}`}`)
  }
  return ''
}

export function loopLabel(map: Dict, type: string): string {
  if (type === 'for_loop') return `for each ${show(map['iterator'])} in ${show(map['data_source'])}`
  const max = map['max_iterations']
  const cond = oneLine(conditionText(map['condition']), 60)
  return `while ${cond === '' ? '?' : cond}${max === undefined || max === null ? '' : ` (max ${show(max)})`}`
}

function listLength(v: unknown): number {
  return Array.isArray(v) ? v.length : 0
}

export function stepSummary(map: Dict | undefined, type: string | undefined): string {
  if (map === undefined) return 'not a step map'
  switch (type) {
    case 'for_loop':
    case 'while_loop':
      return oneLine(loopLabel(map, type))
    case 'set_variable': {
      const vars = map['variables']
      const names = isMap(vars) ? Object.keys(vars) : []
      return oneLine(names.length === 0 ? 'sets no variables' : `set ${names.join(', ')}`)
    }
    case 'data_transform': {
      const ops = Array.isArray(map['operations']) ? map['operations'] : []
      const names = ops.map((op: unknown) => (isMap(op) ? show(op['operation']) : '?'))
      return oneLine(names.length === 0 ? 'no operations' : names.join(' → '))
    }
    case 'file_ops':
      return oneLine(fileOpsSummary(map))
    case 'pipeline': {
      if (map['pipeline_file'] !== undefined && map['pipeline_file'] !== null)
        return oneLine(`→ ${show(map['pipeline_file'])}`)
      const inline = map['pipeline']
      if (isMap(inline)) {
        const wf = 'workflow' in inline ? inline['workflow'] : inline
        const n = isMap(wf) ? listLength(wf['steps']) : 0
        return `inline pipeline, ${n} step${n === 1 ? '' : 's'}`
      }
      if (map['pipeline_ref'] !== undefined)
        return oneLine(`pipeline_ref ${show(map['pipeline_ref'])}`)
      return 'no pipeline source'
    }
    case 'parallel_claude': {
      const n = listLength(map['parallel_tasks'])
      return `${n} parallel task${n === 1 ? '' : 's'}`
    }
    case 'claude_batch': {
      const n = listLength(map['tasks'])
      if (n === 0) return promptSummary(map['prompt'])
      const cfg = map['batch_config']
      const max = isMap(cfg) ? scalarText(cfg['max_parallel']) : ''
      return `${n} task${n === 1 ? '' : 's'}${max === '' ? '' : `, ${max} at a time`}`
    }
    case 'switch':
      return oneLine(`switch on ${show(map['expression'])}`)
    default:
      return promptSummary(map['prompt'])
  }
}

function fileOpsSummary(map: Dict): string {
  const op = scalarText(map['operation'])
  switch (op) {
    case 'list': {
      const pattern = scalarText(map['pattern'])
      return `list ${show(map['path'])}${pattern === '' ? '' : ` /${pattern}/`}`
    }
    case 'copy':
    case 'move':
    case 'stream_copy':
    case 'convert':
      return `${op} ${show(map['source'])} → ${show(map['destination'])}`
    case 'delete':
      return `delete ${show(map['path'])}`
    case 'validate': {
      const n = listLength(map['files'])
      return `validate ${n} file${n === 1 ? '' : 's'}`
    }
    case 'stream_process':
      return `${op} ${show(map['source'])}`
    case '':
      return 'no operation'
    default:
      return op
  }
}

export function taskSummary(task: unknown): string {
  if (!isMap(task)) return 'not a task map'
  const prompt = promptSummary(task['prompt'])
  if (prompt !== '') return prompt
  const file = scalarText(task['file'])
  return file === '' ? '' : oneLine(`file ${file}`)
}

/** `parallel_tasks[].id`, `tasks[].task_id` (default `task_<i>`, §7.6). */
export function taskName(task: unknown, field: 'id' | 'task_id', index: number): string {
  const name = isMap(task) ? scalarText(task[field]) : ''
  return name === '' && field === 'task_id' ? `task_${index}` : name
}
