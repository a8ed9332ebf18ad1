/**
 * Generated pipelines for the web benchmark: a chain of claude steps whose prompts read earlier
 * steps (previous_response parts and `{{steps.x.text}}` templates), with a gemini review every few
 * steps and, every 50 steps, a for_loop holding three steps that read the loop's item. `steps` counts
 * every step, the loops and their children included.
 */
export function generatePipeline(steps: number): string {
  const out: string[] = [
    `# Generated for the web benchmark: ${steps} steps`,
    'workflow:',
    `  name: bench_web_${steps}`,
    `  description: "A ${steps}-step claude chain with loops"`,
    '  steps:',
  ]
  let n = 0
  let last: string | undefined
  while (n < steps) {
    const left = steps - n
    if (n % 50 === 25 && left >= 4 && last) {
      const loop = `loop_${n}`
      out.push(
        `    # Stage ${n}: one pass per finding`,
        `    - name: ${loop}`,
        '      type: for_loop',
        '      iterator: finding',
        `      data_source: ${last}:findings`,
        '      steps:',
      )
      for (let k = 1; k <= 3; k++) {
        out.push(
          `        - name: ${loop}_${['triage', 'fix', 'check'][k - 1]}`,
          '          type: claude',
          '          prompt:',
          '            - type: static',
          `              content: "Step ${k} for this finding:"`,
          '            - type: previous_response',
          '              step: loop',
          '              extract: finding.text',
        )
      }
      n += 4
      last = loop
      continue
    }
    const name = `step_${String(n).padStart(4, '0')}`
    if (n % 7 === 6 && last) {
      out.push(
        `    - name: ${name}`,
        '      type: gemini',
        '      model: gemini-2.5-flash',
        '      prompt:',
        '        - type: static',
        `          content: "Review what {{steps.${last}.text}} says and list the gaps."`,
      )
    } else {
      out.push(
        `    - name: ${name}`,
        '      type: claude',
        '      claude_options:',
        '        max_turns: 5',
        '        allowed_tools: [Read, Grep]',
        '      prompt:',
        '        - type: static',
        '          content: |',
        `            Part ${n}: continue the analysis.`,
        '            Keep the answer short.',
        ...(last ? ['        - type: previous_response', `          step: ${last}`] : []),
      )
    }
    last = name
    n++
  }
  return out.join('\n') + '\n'
}
