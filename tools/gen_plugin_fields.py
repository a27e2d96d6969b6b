# Generates the plugin field resources of peregrine-rules (names, types, EPF_ flags only; no descriptions) from the
# falcosecurity/plugins mirror. Usage: python3 tools/gen_plugin_fields.py container|k8saudit|json > plugin_<name>_fields.json
import re, json, subprocess, sys
def show(p): return subprocess.run(['git','-C','/work/.mirror/falcosecurity+plugins/repo','show','HEAD:'+p],capture_output=True,text=True,check=True).stdout
gotype={'string':'PT_CHARBUF','uint64':'PT_UINT64','bool':'PT_BOOL','reltime':'PT_RELTIME','abstime':'PT_ABSTIME','ipaddr':'PT_IPADDR','ipnet':'PT_IPNET'}
def go_fields(src):
    out=[]
    for blk in re.findall(r'\n\t\t\{\n(.*?)\n\t\t\}', src, re.S):
        if 'Name:' not in blk: continue
        t=re.search(r'Type:\s*"(\w+)"',blk).group(1)
        n=re.search(r'Name:\s*"([^"]+)"',blk).group(1)
        flags=[]
        a=re.search(r'Arg:\s*sdk\.FieldEntryArg\{(.*?)\}',blk,re.S)
        if a:
            a=a.group(1)
            req='IsRequired: true' in a.replace('  ',' ') or re.search(r'IsRequired:\s*true',a)
            flags.append('EPF_ARG_REQUIRED' if req else 'EPF_ARG_ALLOWED')
            if re.search(r'IsIndex:\s*true',a): flags.append('EPF_ARG_INDEX')
            if re.search(r'IsKey:\s*true',a): flags.append('EPF_ARG_KEY')
        if re.search(r'IsList:\s*true',blk): flags.append('EPF_IS_LIST')
        out.append({'name':n,'type':gotype[t],'flags':' | '.join(flags) or 'EPF_NONE'})
    return out
cxxtype={'FTYPE_STRING':'PT_CHARBUF','FTYPE_UINT64':'PT_UINT64','FTYPE_BOOL':'PT_BOOL','FTYPE_RELTIME':'PT_RELTIME','FTYPE_ABSTIME':'PT_ABSTIME','FTYPE_IPADDR':'PT_IPADDR','FTYPE_IPNET':'PT_IPNET'}
def cxx_fields(src):
    body=src[src.index('const falcosecurity::field_info fields[] = {'):]
    body=body[:body.index('};')]
    out=[]
    for m in re.finditer(r'\{ft::(\w+),\s*"([^"]+)"(.*?)(?=\{ft::|\Z)', body, re.S):
        t,n,rest=m.groups()
        rest=re.sub(r'"(?:[^"\\]|\\.)*"','',rest)
        flags=[]
        if 'req_both_arg' in rest: flags+=['EPF_ARG_REQUIRED','EPF_ARG_INDEX','EPF_ARG_KEY']
        if 'req_key_arg' in rest: flags+=['EPF_ARG_REQUIRED','EPF_ARG_KEY']
        # after the description: arg, is_list, properties, add_output
        toks=re.findall(r'\{\}|req_\w+|true|false',rest)
        if len(toks)>=2 and toks[1]=='true': flags.append('EPF_IS_LIST')
        out.append({'name':n,'type':cxxtype[t],'flags':' | '.join(flags) or 'EPF_NONE'})
    return out
which=sys.argv[1]
if which=='container': f=cxx_fields(show('plugins/container/src/caps/extract/extract.cpp'))
elif which=='k8saudit':
    src=show('plugins/k8saudit/pkg/k8saudit/fields.go')
    main=src[:src.index('func containerListFields')]
    f=go_fields(main)
    # containerListFields(list, label, withHostPort) mirrors ka.req.pod.containers.* as indexed list fields
    helper=src[src.index('func containerListFields'):]
    names=re.findall(r'\tentry\("([^"]+)"', helper)
    for lst,hp in re.findall(r'containerListFields\("(\w+)", "[^"]*", (true|false)\)', main):
        for n in names + (['host_port'] if hp=='true' else []):
            f.append({'name':'ka.req.pod.'+lst+'.'+n,'type':'PT_CHARBUF','flags':'EPF_ARG_ALLOWED | EPF_ARG_INDEX | EPF_IS_LIST'})
elif which=='json': f=go_fields(show('plugins/json/pkg/json/json.go'))
print(json.dumps(f,indent=1))
